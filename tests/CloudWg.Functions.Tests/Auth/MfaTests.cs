using System.Net;
using System.Net.Http.Json;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;
using OtpNet;

namespace CloudWg.Functions.Tests.Auth;

public sealed class MfaTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Totp_enrolment_then_login_needs_a_fresh_code_and_a_replayed_code_is_rejected()
    {
        var clock = AuthTestSupport.NewClock();
        await using var cloudWg = new CloudWgApp(azurite.ConnectionString);
        var app = cloudWg.WithClock(clock);
        var admin = await AuthenticatedClients.CreateAdminAsync(app, Roles.Admin);
        var (secret, recovery) = await EnrolAsync(app, admin.Id, clock);
        Assert.Equal(10, recovery.Count);
        Assert.Equal(10, recovery.Distinct().Count());

        // The code that confirmed enrolment is spent: the same time step cannot sign in.
        var spent = TotpService.Code(secret, clock.GetUtcNow());
        using var client = NewClient(app);
        var mfaToken = await PasswordStepAsync(client, admin.Id);
        var replay = await client.PostJsonAsync("/api/auth/mfa", new { mfaToken, code = spent });
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Contains("already used", (await replay.JsonAsync()).GetProperty("detail").GetString());

        clock.Advance(TimeSpan.FromSeconds(30));
        var fresh = TotpService.Code(secret, clock.GetUtcNow());
        var ok = await client.PostJsonAsync("/api/auth/mfa", new { mfaToken, code = fresh });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetPathAsync("/api/auth/me")).StatusCode);
        Assert.True((await (await client.GetPathAsync("/api/auth/me")).JsonAsync()).GetProperty("mfaEnabled").GetBoolean());

        // The same code again, through a new password step on another client: rejected.
        using var attacker = NewClient(app);
        var attackerToken = await PasswordStepAsync(attacker, admin.Id);
        Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.PostJsonAsync("/api/auth/mfa", new { mfaToken = attackerToken, code = fresh })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.GetPathAsync("/api/auth/me")).StatusCode);

        // A code from the previous step is still accepted (±1 step of clock skew) if it was never used.
        clock.Advance(TimeSpan.FromSeconds(60));
        var previous = TotpService.Code(secret, clock.GetUtcNow() - TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await attacker.PostJsonAsync("/api/auth/mfa", new { mfaToken = attackerToken, code = previous })).StatusCode);
    }

    [Fact]
    public async Task A_recovery_code_works_once()
    {
        var clock = AuthTestSupport.NewClock();
        await using var cloudWg = new CloudWgApp(azurite.ConnectionString);
        var app = cloudWg.WithClock(clock);
        var admin = await AuthenticatedClients.CreateAdminAsync(app, Roles.Owner);
        var (_, recovery) = await EnrolAsync(app, admin.Id, clock);

        using var first = NewClient(app);
        var firstToken = await PasswordStepAsync(first, admin.Id);
        var used = await first.PostJsonAsync("/api/auth/mfa", new { mfaToken = firstToken, code = recovery[0].ToLowerInvariant() });
        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        Assert.Equal(9, (await used.JsonAsync()).GetProperty("user").GetProperty("recoveryCodesLeft").GetInt32());

        using var second = NewClient(app);
        var secondToken = await PasswordStepAsync(second, admin.Id);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.PostJsonAsync("/api/auth/mfa", new { mfaToken = secondToken, code = recovery[0] })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.PostJsonAsync("/api/auth/mfa", new { mfaToken = secondToken, code = recovery[1] })).StatusCode);

        // The MFA step token is single-use too.
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.PostJsonAsync("/api/auth/mfa", new { mfaToken = secondToken, code = recovery[2] })).StatusCode);
    }

    [Fact]
    public async Task The_mfa_step_expires_after_two_minutes_and_the_setup_after_five()
    {
        var clock = AuthTestSupport.NewClock();
        await using var cloudWg = new CloudWgApp(azurite.ConnectionString);
        var app = cloudWg.WithClock(clock);
        var admin = await AuthenticatedClients.CreateAdminAsync(app, Roles.Admin);
        var (secret, _) = await EnrolAsync(app, admin.Id, clock);

        using var client = NewClient(app);
        var mfaToken = await PasswordStepAsync(client, admin.Id);
        clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        var late = await client.PostJsonAsync("/api/auth/mfa", new { mfaToken, code = TotpService.Code(secret, clock.GetUtcNow()) });
        Assert.Equal(HttpStatusCode.Unauthorized, late.StatusCode);
        Assert.Contains("expired", (await late.JsonAsync()).GetProperty("detail").GetString());

        var other = await AuthenticatedClients.CreateAdminAsync(app, Roles.Viewer);
        using var session = await AuthenticatedClients.LoginAsync(app, other.Id, AuthenticatedClients.Password);
        var setup = await (await session.PostJsonAsync("/api/auth/totp/setup", new { })).JsonAsync();
        var pending = Base32Encoding.ToBytes(setup.GetProperty("secret").GetString());
        clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var expired = await session.PostJsonAsync("/api/auth/totp/confirm", new { code = TotpService.Code(pending, clock.GetUtcNow()) });
        Assert.Equal(HttpStatusCode.BadRequest, expired.StatusCode);
        Assert.Contains("expired", (await expired.JsonAsync()).FieldError("code"));
    }

    [Fact]
    public async Task Wrong_codes_are_rate_limited_like_passwords()
    {
        var clock = AuthTestSupport.NewClock();
        await using var cloudWg = new CloudWgApp(azurite.ConnectionString);
        var app = cloudWg.WithClock(clock);
        var admin = await AuthenticatedClients.CreateAdminAsync(app, Roles.Admin);
        var (secret, _) = await EnrolAsync(app, admin.Id, clock);
        clock.Advance(TimeSpan.FromSeconds(61)); // past the wrong code EnrolAsync tries

        using var client = NewClient(app);
        var mfaToken = await PasswordStepAsync(client, admin.Id);
        var right = TotpService.Code(secret, clock.GetUtcNow());
        var wrong = right == "000000" ? "111111" : "000000";
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostJsonAsync("/api/auth/mfa", new { mfaToken, code = wrong })).StatusCode);
        }

        var blocked = await client.PostJsonAsync("/api/auth/mfa", new { mfaToken, code = right });
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.NotNull(blocked.Headers.RetryAfter);

        clock.Advance(TimeSpan.FromSeconds(61));
        var again = await PasswordStepAsync(client, admin.Id);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/api/auth/mfa", new { mfaToken = again, code = TotpService.Code(secret, clock.GetUtcNow()) })).StatusCode);
    }

    [Fact]
    public async Task When_an_owner_requires_mfa_an_admin_without_it_can_only_set_it_up()
    {
        var clock = AuthTestSupport.NewClock();
        await using var cloudWg = new CloudWgApp(azurite.ConnectionString);
        var app = cloudWg.WithClock(clock);
        using var owner = await AuthenticatedClients.SessionAsync(app, Roles.Owner);
        var viewer = await AuthenticatedClients.CreateAdminAsync(app, Roles.Viewer);

        var set = await owner.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/api/auth/settings") { Content = JsonContent.Create(new { requireMfa = true }) }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);

        using var session = await AuthenticatedClients.LoginAsync(app, viewer.Id, AuthenticatedClients.Password);
        var me = await (await session.GetPathAsync("/api/auth/me")).JsonAsync();
        Assert.True(me.GetProperty("mfaRequired").GetBoolean());
        Assert.True(me.GetProperty("mfaSetupRequired").GetBoolean());
        var blocked = await session.GetPathAsync("/api/audit");
        Assert.Equal(HttpStatusCode.Forbidden, blocked.StatusCode);
        Assert.Contains("two-factor", (await blocked.JsonAsync()).GetProperty("detail").GetString());

        var setup = await (await session.PostJsonAsync("/api/auth/totp/setup", new { })).JsonAsync();
        var secret = Base32Encoding.ToBytes(setup.GetProperty("secret").GetString());
        Assert.Equal(HttpStatusCode.OK, (await session.PostJsonAsync("/api/auth/totp/confirm", new { code = TotpService.Code(secret, clock.GetUtcNow()) })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await session.GetPathAsync("/api/audit")).StatusCode);
    }

    [Fact]
    public async Task An_owner_can_reset_a_lost_authenticator()
    {
        var clock = AuthTestSupport.NewClock();
        await using var cloudWg = new CloudWgApp(azurite.ConnectionString);
        var app = cloudWg.WithClock(clock);
        using var owner = await AuthenticatedClients.SessionAsync(app, Roles.Owner);
        var admin = await AuthenticatedClients.CreateAdminAsync(app, Roles.Admin);
        await EnrolAsync(app, admin.Id, clock);

        var current = await owner.GetPathAsync($"/api/admins/{admin.Id}");
        Assert.True((await current.JsonAsync()).GetProperty("mfaEnabled").GetBoolean());
        using var reset = new HttpRequestMessage(HttpMethod.Patch, $"/api/admins/{admin.Id}") { Content = JsonContent.Create(new { resetMfa = true }) };
        reset.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag!.ToString());
        var response = await owner.SendAsync(reset, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False((await response.JsonAsync()).GetProperty("mfaEnabled").GetBoolean());

        using var again = await AuthenticatedClients.LoginAsync(app, admin.Id, AuthenticatedClients.Password);
    }

    /// <summary>Signs in, enrols TOTP like an authenticator app would, and signs out; returns the seed and recovery codes.</summary>
    internal static async Task<(byte[] Secret, IReadOnlyList<string> Recovery)> EnrolAsync(WebApplicationFactory<Program> app, string username, FakeTimeProvider clock)
    {
        using var session = await AuthenticatedClients.LoginAsync(app, username, AuthenticatedClients.Password);
        var setupResponse = await session.PostJsonAsync("/api/auth/totp/setup", new { });
        Assert.Equal(HttpStatusCode.OK, setupResponse.StatusCode);
        var setup = await setupResponse.JsonAsync();
        var uri = setup.GetProperty("otpauthUri").GetString()!;
        Assert.StartsWith("otpauth://totp/", uri);
        Assert.Contains("issuer=CloudWg", uri);
        Assert.StartsWith("<svg", setup.GetProperty("qrSvg").GetString()!.TrimStart());
        var secret = Base32Encoding.ToBytes(setup.GetProperty("secret").GetString());

        var wrong = await session.PostJsonAsync("/api/auth/totp/confirm", new { code = "12345" });
        Assert.NotNull((await wrong.JsonAsync()).FieldError("code"));
        var confirm = await session.PostJsonAsync("/api/auth/totp/confirm", new { code = TotpService.Code(secret, clock.GetUtcNow()) });
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        var codes = (await confirm.JsonAsync()).GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToList();
        await session.PostJsonAsync("/api/auth/logout", new { });
        return (secret, codes);
    }

    internal static HttpClient NewClient(WebApplicationFactory<Program> app)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        client.DefaultRequestHeaders.Add(CloudWgAuthenticationDefaults.CsrfHeader, "1");
        return client;
    }

    internal static async Task<string> PasswordStepAsync(HttpClient client, string username)
    {
        var response = await client.PostJsonAsync("/api/auth/login", new { username, password = AuthenticatedClients.Password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.True(body.GetProperty("mfaRequired").GetBoolean());
        Assert.False(response.Headers.Contains("Set-Cookie"));
        return body.GetProperty("mfaToken").GetString()!;
    }
}
