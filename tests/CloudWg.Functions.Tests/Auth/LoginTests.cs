using System.Net;
using System.Text.Json.Nodes;
using CloudWg.Functions.Admins;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace CloudWg.Functions.Tests.Auth;

public sealed class LoginTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Unknown_user_and_wrong_password_get_the_same_answer()
    {
        await using var app = new CloudWgApp(azurite.ConnectionString);
        var admin = await AuthenticatedClients.CreateAdminAsync(app, Roles.Admin);
        using var client = app.CreateClient();

        var wrongPassword = await client.PostJsonAsync("/api/auth/login", new { username = admin.Id, password = "not the password at all" });
        var unknownUser = await client.PostJsonAsync("/api/auth/login", new { username = "nobody-here", password = "not the password at all" });

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownUser.StatusCode);
        Assert.Equal("application/problem+json", wrongPassword.Content.Headers.ContentType?.MediaType);
        Assert.Equal(WithoutTraceId(await wrongPassword.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)), WithoutTraceId(await unknownUser.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
        Assert.Contains("username or password is wrong", (await wrongPassword.JsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Login_sets_a_strict_http_only_cookie_and_me_describes_the_admin()
    {
        await using var app = new CloudWgApp(azurite.ConnectionString);
        var admin = await AuthenticatedClients.CreateAdminAsync(app, Roles.Viewer);
        using var client = app.CreateClient();

        var response = await client.PostJsonAsync("/api/auth/login", new { username = admin.Id.ToUpperInvariant(), password = AuthenticatedClients.Password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(CloudWgAuthenticationDefaults.CookieName + "=", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/api", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase); // http on localhost
        var me = await client.GetPathAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = await me.JsonAsync();
        Assert.Equal(admin.Id, body.GetProperty("username").GetString());
        Assert.Equal(Roles.Viewer, body.GetProperty("role").GetString());
        Assert.False(body.GetProperty("mfaEnabled").GetBoolean());
        Assert.False(body.GetProperty("mfaRequired").GetBoolean());
        Assert.Equal("session", body.GetProperty("authMethod").GetString());
    }

    [Fact]
    public async Task The_cookie_is_secure_when_the_client_is_not_on_loopback_http()
    {
        await using var app = new CloudWgApp(azurite.ConnectionString);
        var admin = await AuthenticatedClients.CreateAdminAsync(app, Roles.Viewer);
        using var client = app.CreateClient();
        client.BaseAddress = new Uri("http://cloudwg.example.net");

        var response = await client.PostJsonAsync("/api/auth/login", new { username = admin.Id, password = AuthenticatedClients.Password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("secure", Assert.Single(response.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Missing_fields_and_weak_passwords_are_named()
    {
        await using var app = new CloudWgApp(azurite.ConnectionString);
        using var owner = await AuthenticatedClients.SessionAsync(app, Roles.Owner);

        var login = await (await owner.PostJsonAsync("/api/auth/login", new { username = "" })).JsonAsync();
        Assert.NotNull(login.FieldError("username"));
        Assert.NotNull(login.FieldError("password"));

        var wrongType = await owner.PostJsonAsync("/api/auth/login", new { username = 5, password = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Contains("wrong type", (await wrongType.JsonAsync()).FieldError("username"));
        var days = await owner.PostJsonAsync("/api/tokens", new { name = "x", scope = "read", expiresInDays = "ten" });
        Assert.NotNull((await days.JsonAsync()).FieldError("expiresInDays"));

        var tooShort = await owner.PostJsonAsync("/api/admins", new { username = "carol", password = "short", role = "admin" });
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Contains("at least 12 characters", (await tooShort.JsonAsync()).FieldError("password"));

        var sameAsName = await owner.PostJsonAsync("/api/admins", new { username = "carolinecarol", password = "CarolineCarol", role = "admin" });
        Assert.Contains("must not be the username", (await sameAsName.JsonAsync()).FieldError("password"));

        var badRole = await owner.PostJsonAsync("/api/admins", new { username = "carol", password = AuthenticatedClients.Password, role = "root" });
        Assert.Contains("Role must be one of", (await badRole.JsonAsync()).FieldError("role"));

        var badName = await owner.PostJsonAsync("/api/admins", new { username = "carol smith", password = AuthenticatedClients.Password, role = "admin" });
        Assert.Contains("Username must be", (await badName.JsonAsync()).FieldError("username"));
    }

    [Fact]
    public async Task A_hash_with_old_parameters_is_upgraded_at_login()
    {
        await using var app = new CloudWgApp(azurite.ConnectionString);
        var store = app.Services.GetRequiredService<AdminStore>();
        var admin = await AuthenticatedClients.CreateAdminAsync(app, Roles.Admin);
        admin.PasswordHash = PasswordHasher.Hash(AuthenticatedClients.Password, 10_000);
        Assert.True(await store.TryUpdateAsync(admin, TestContext.Current.CancellationToken));

        using var client = await AuthenticatedClients.LoginAsync(app, admin.Id, AuthenticatedClients.Password);

        var stored = (await store.GetAsync(admin.Id, TestContext.Current.CancellationToken))!.PasswordHash;
        Assert.StartsWith($"pbkdf2-sha256${PasswordHasher.MinimumIterations}$", stored);
        using var again = await AuthenticatedClients.LoginAsync(app, admin.Id, AuthenticatedClients.Password);
    }

    [Fact]
    public async Task Logout_ends_the_session_and_logout_everywhere_ends_all_of_them()
    {
        await using var app = new CloudWgApp(azurite.ConnectionString);
        var admin = await AuthenticatedClients.CreateAdminAsync(app, Roles.Admin);
        using var first = await AuthenticatedClients.LoginAsync(app, admin.Id, AuthenticatedClients.Password);
        using var second = await AuthenticatedClients.LoginAsync(app, admin.Id, AuthenticatedClients.Password);
        using var third = await AuthenticatedClients.LoginAsync(app, admin.Id, AuthenticatedClients.Password);

        Assert.Equal(HttpStatusCode.NoContent, (await first.PostJsonAsync("/api/auth/logout", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await first.GetPathAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.GetPathAsync("/api/auth/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await second.PostJsonAsync("/api/auth/logout-everywhere", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetPathAsync("/api/auth/me")).StatusCode);
        var ended = await third.GetPathAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, ended.StatusCode);
        Assert.Contains("sign in again", (await ended.JsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_password_change_ends_other_sessions_and_keeps_the_current_one()
    {
        await using var app = new CloudWgApp(azurite.ConnectionString);
        var admin = await AuthenticatedClients.CreateAdminAsync(app, Roles.Admin);
        using var current = await AuthenticatedClients.LoginAsync(app, admin.Id, AuthenticatedClients.Password);
        using var other = await AuthenticatedClients.LoginAsync(app, admin.Id, AuthenticatedClients.Password);

        var wrong = await current.PostJsonAsync("/api/auth/password", new { currentPassword = "wrong wrong wrong", newPassword = "a brand new passphrase" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.NotNull((await wrong.JsonAsync()).FieldError("currentPassword"));
        var weak = await current.PostJsonAsync("/api/auth/password", new { currentPassword = AuthenticatedClients.Password, newPassword = "short" });
        Assert.NotNull((await weak.JsonAsync()).FieldError("newPassword"));

        var changed = await current.PostJsonAsync("/api/auth/password", new { currentPassword = AuthenticatedClients.Password, newPassword = "a brand new passphrase" });

        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await current.GetPathAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetPathAsync("/api/auth/me")).StatusCode);
        using var fresh = await AuthenticatedClients.LoginAsync(app, admin.Id, "a brand new passphrase");
    }

    [Fact]
    public async Task Cookie_writes_without_the_csrf_header_are_refused()
    {
        await using var app = new CloudWgApp(azurite.ConnectionString);
        using var client = await AuthenticatedClients.SessionAsync(app, Roles.Owner);
        client.DefaultRequestHeaders.Remove(CloudWgAuthenticationDefaults.CsrfHeader);

        var response = await client.PostJsonAsync("/api/tokens", new { name = "ci", scope = "read" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(CloudWgAuthenticationDefaults.CsrfHeader, (await response.JsonAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetPathAsync("/api/tokens")).StatusCode);
    }

    private static string WithoutTraceId(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node.Remove("traceId");
        return node.ToJsonString();
    }
}
