using System.Net;
using System.Net.Http.Headers;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.Auth;

public sealed class TokensTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_token_is_shown_once_works_as_bearer_records_use_and_dies_when_revoked()
    {
        await using var app = new CloudWgApp(azurite.ConnectionString);
        using var session = await AuthenticatedClients.SessionAsync(app, Roles.Admin);

        var created = await session.PostJsonAsync("/api/tokens", new { name = "backup script", scope = "read", expiresInDays = 10 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        var token = body.GetProperty("token").GetString()!;
        var id = body.GetProperty("id").GetString()!;
        Assert.StartsWith("cwg_" + id + "_", token);

        using var bearer = app.CreateClient();
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = await (await bearer.GetPathAsync("/api/auth/me")).JsonAsync();
        Assert.Equal("token", me.GetProperty("authMethod").GetString());
        Assert.Equal("read", me.GetProperty("scope").GetString());
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetPathAsync("/api/audit")).StatusCode);

        var listed = await session.GetPathAsync("/api/tokens");
        var listText = await listed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        // cwg_<16 hex id>_<secret>; the secret's base64url alphabet may itself contain '_'.
        Assert.DoesNotContain(token.Split('_', 3)[2], listText);
        var entry = (await listed.JsonAsync()).EnumerateArray().Single(t => t.GetProperty("id").GetString() == id);
        Assert.Equal("backup script", entry.GetProperty("name").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, entry.GetProperty("lastUsedAt").ValueKind);

        Assert.Equal(HttpStatusCode.NoContent, (await session.DeleteAsync($"/api/tokens/{id}", TestContext.Current.CancellationToken)).StatusCode);
        var revoked = await bearer.GetPathAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Contains("revoked", (await revoked.JsonAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await session.DeleteAsync($"/api/tokens/{id}", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task A_token_expires_and_bad_requests_name_the_field()
    {
        var clock = AuthTestSupport.NewClock();
        await using var cloudWg = new CloudWgApp(azurite.ConnectionString);
        var app = cloudWg.WithClock(clock);
        using var session = await AuthenticatedClients.SessionAsync(app, Roles.Owner);

        Assert.Contains("'read' or 'write'", (await (await session.PostJsonAsync("/api/tokens", new { name = "x", scope = "admin" })).JsonAsync()).FieldError("scope"));
        Assert.NotNull((await (await session.PostJsonAsync("/api/tokens", new { name = "", scope = "read" })).JsonAsync()).FieldError("name"));
        Assert.NotNull((await (await session.PostJsonAsync("/api/tokens", new { name = "x", scope = "read", expiresInDays = 0 })).JsonAsync()).FieldError("expiresInDays"));

        var token = (await (await session.PostJsonAsync("/api/tokens", new { name = "short-lived", scope = "write", expiresInDays = 1 })).JsonAsync()).GetProperty("token").GetString();
        using var bearer = app.CreateClient();
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetPathAsync("/api/auth/me")).StatusCode);

        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetPathAsync("/api/auth/me")).StatusCode);
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "cwg_0123456789abcdef_forged");
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetPathAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task A_token_of_a_disabled_admin_stops_working()
    {
        await using var app = new CloudWgApp(azurite.ConnectionString);
        using var owner = await AuthenticatedClients.SessionAsync(app, Roles.Owner);
        var admin = await AuthenticatedClients.CreateAdminAsync(app, Roles.Admin);
        using var bearer = await AuthenticatedClients.TokenClientAsync(app, admin.Id, CloudWgClaims.ScopeWrite);
        using var session = await AuthenticatedClients.LoginAsync(app, admin.Id, AuthenticatedClients.Password);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetPathAsync("/api/auth/me")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await AdminsTests.PatchAsync(owner, admin.Id, new { disabled = true })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetPathAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetPathAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostJsonAsync("/api/auth/login", new { username = admin.Id, password = AuthenticatedClients.Password })).StatusCode);
    }

    [Fact]
    public async Task Role_changes_apply_at_once_and_a_password_reset_ends_sessions()
    {
        await using var app = new CloudWgApp(azurite.ConnectionString);
        using var owner = await AuthenticatedClients.SessionAsync(app, Roles.Owner);
        var admin = await AuthenticatedClients.CreateAdminAsync(app, Roles.Viewer);
        using var session = await AuthenticatedClients.LoginAsync(app, admin.Id, AuthenticatedClients.Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await session.PostJsonAsync("/api/admins", new { })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await AdminsTests.PatchAsync(owner, admin.Id, new { role = "owner" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await session.PostJsonAsync("/api/admins", new { })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await AdminsTests.PatchAsync(owner, admin.Id, new { password = "a reset passphrase!" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetPathAsync("/api/auth/me")).StatusCode);
        using var again = await AuthenticatedClients.LoginAsync(app, admin.Id, "a reset passphrase!");
    }
}
