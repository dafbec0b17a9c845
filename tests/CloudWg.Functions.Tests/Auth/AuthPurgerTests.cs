using System.Net;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Storage;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace CloudWg.Functions.Tests.Auth;

public sealed class AuthPurgerTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Dead_sessions_tokens_and_counters_are_purged_and_live_ones_kept()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = AuthTestSupport.NewClock();
        await using var cloudWg = new CloudWgApp(azurite.ConnectionString);
        var app = cloudWg.WithClock(clock);
        var admin = await AuthenticatedClients.CreateAdminAsync(app, Roles.Admin);
        using var idle = await AuthenticatedClients.MintedSessionAsync(app, admin.Id);
        await app.CreateClient().PostJsonAsync("/api/auth/login", new { username = admin.Id, password = "wrong password here" });
        using var session = await AuthenticatedClients.LoginAsync(app, admin.Id, AuthenticatedClients.Password);
        Assert.Equal(HttpStatusCode.Created, (await session.PostJsonAsync("/api/tokens", new { name = "short", scope = "read", expiresInDays = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await session.PostJsonAsync("/api/tokens", new { name = "long", scope = "read", expiresInDays = 90 })).StatusCode);

        clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.OK, (await session.GetPathAsync("/api/auth/me")).StatusCode);
        var purger = app.Services.GetRequiredService<AuthPurger>();
        // Only the failed-login counter of the client address is past its 60 s window (the account's was reset by the login).
        Assert.Equal(new AuthPurgeReport(0, 0, 1, 0), await purger.PurgeAsync(ct));

        clock.Advance(TimeSpan.FromDays(1));
        var report = await purger.PurgeAsync(ct);

        Assert.Equal(2, report.Sessions);
        Assert.Equal(1, report.Tokens);
        Assert.Equal(0, report.RateLimits);
        var tokens = app.Services.GetRequiredService<StorageClients>().Table("tokens");
        Assert.Single(tokens.Query<Azure.Data.Tables.TableEntity>(cancellationToken: ct));
        Assert.Equal(new AuthPurgeReport(0, 0, 0, 0), await purger.PurgeAsync(ct));
    }

    [Fact]
    public async Task Node_signature_nonces_are_purged_once_too_old_to_replay()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = AuthTestSupport.NewClock();
        await using var cloudWg = new CloudWgApp(azurite.ConnectionString);
        var app = cloudWg.WithClock(clock);
        var nonces = app.Services.GetRequiredService<CloudWg.Functions.Agent.NonceCache>();
        Assert.True(await nonces.TryUseAsync("n1", "old-nonce-0000000000", clock.GetUtcNow().AddMinutes(7), ct));
        Assert.True(await nonces.TryUseAsync("n1", "new-nonce-0000000000", clock.GetUtcNow().AddMinutes(20), ct));
        Assert.False(await nonces.TryUseAsync("n1", "old-nonce-0000000000", clock.GetUtcNow().AddMinutes(7), ct));
        var purger = app.Services.GetRequiredService<AuthPurger>();

        clock.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(1, (await purger.PurgeAsync(ct)).Nonces);
        Assert.False(await nonces.TryUseAsync("n1", "new-nonce-0000000000", clock.GetUtcNow().AddMinutes(7), ct));
    }
}
