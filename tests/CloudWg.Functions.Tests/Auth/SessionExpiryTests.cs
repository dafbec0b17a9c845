using System.Net;
using Azure.Data.Tables;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Storage;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace CloudWg.Functions.Tests.Auth;

public sealed class SessionExpiryTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_session_dies_after_thirty_idle_minutes_and_activity_keeps_it_alive()
    {
        var clock = AuthTestSupport.NewClock();
        await using var cloudWg = new CloudWgApp(azurite.ConnectionString);
        var app = cloudWg.WithClock(clock);
        var admin = await AuthenticatedClients.CreateAdminAsync(app, Roles.Viewer);
        using var client = await AuthenticatedClients.LoginAsync(app, admin.Id, AuthenticatedClients.Password);

        for (var i = 0; i < 3; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(29));
            Assert.Equal(HttpStatusCode.OK, (await client.GetPathAsync("/api/auth/me")).StatusCode);
        }

        clock.Advance(TimeSpan.FromMinutes(30));
        var idle = await client.GetPathAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, idle.StatusCode);
        Assert.Contains("without activity", (await idle.JsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_session_dies_after_twenty_four_hours_however_active()
    {
        var clock = AuthTestSupport.NewClock();
        await using var cloudWg = new CloudWgApp(azurite.ConnectionString);
        var app = cloudWg.WithClock(clock);
        var admin = await AuthenticatedClients.CreateAdminAsync(app, Roles.Viewer);
        using var client = await AuthenticatedClients.LoginAsync(app, admin.Id, AuthenticatedClients.Password);
        var start = clock.GetUtcNow();

        while (clock.GetUtcNow() - start < TimeSpan.FromHours(24) - TimeSpan.FromMinutes(25))
        {
            clock.Advance(TimeSpan.FromMinutes(25));
            Assert.Equal(HttpStatusCode.OK, (await client.GetPathAsync("/api/auth/me")).StatusCode);
        }

        clock.Advance(TimeSpan.FromMinutes(25));
        Assert.True(clock.GetUtcNow() - start >= TimeSpan.FromHours(24));
        var expired = await client.GetPathAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains("sign in again", (await expired.JsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Activity_is_written_at_most_once_a_minute()
    {
        var clock = AuthTestSupport.NewClock();
        await using var cloudWg = new CloudWgApp(azurite.ConnectionString);
        var app = cloudWg.WithClock(clock);
        var admin = await AuthenticatedClients.CreateAdminAsync(app, Roles.Viewer);
        var token = await AuthenticatedClients.MintSessionTokenAsync(app, admin.Id);
        using var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", $"{CloudWgAuthenticationDefaults.CookieName}={token}");
        var table = app.Services.GetRequiredService<StorageClients>().Table("sessions");
        async Task<TableEntity> Row() => (await table.GetEntityAsync<TableEntity>(TokenHashing.Hash(token), SessionStore.SessionRow, cancellationToken: TestContext.Current.CancellationToken)).Value;
        var before = await Row();

        for (var i = 0; i < 5; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(10));
            Assert.Equal(HttpStatusCode.OK, (await client.GetPathAsync("/api/auth/me")).StatusCode);
        }

        Assert.Equal(before.ETag, (await Row()).ETag);
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(HttpStatusCode.OK, (await client.GetPathAsync("/api/auth/me")).StatusCode);
        var after = await Row();
        Assert.NotEqual(before.ETag, after.ETag);
        Assert.Equal(clock.GetUtcNow(), after.GetDateTimeOffset("LastSeenAt"));
    }
}
