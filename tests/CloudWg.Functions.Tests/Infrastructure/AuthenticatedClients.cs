using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CloudWg.Functions.Admins;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Tokens;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CloudWg.Functions.Tests.Infrastructure;

/// <summary>
/// Real credentials for tests: admins are created through the app's own stores, sessions by logging in through the
/// API (or, where a test needs hundreds, minted by the session store exactly as a login would), tokens by the token
/// store. Every client goes through the real authentication pipeline.
/// </summary>
public static class AuthenticatedClients
{
    public const string Password = "correct horse battery staple";

    /// <summary>Creates an admin with <see cref="Password"/> (name defaults to the role plus a random suffix).</summary>
    public static async Task<AdminEntity> CreateAdminAsync(WebApplicationFactory<Program> app, string role, string? username = null, string password = Password)
    {
        var admins = app.Services.GetRequiredService<AdminStore>();
        username ??= $"{role}-{Guid.NewGuid().ToString("N")[..8]}";
        return await admins.CreateAsync(username, password, role, CancellationToken.None)
            ?? throw new InvalidOperationException($"Admin {username} already exists.");
    }

    /// <summary>Creates an admin with <paramref name="role"/> and signs in through <c>POST /api/auth/login</c>.</summary>
    public static async Task<HttpClient> SessionAsync(WebApplicationFactory<Program> app, string role, string? username = null)
    {
        var admin = await CreateAdminAsync(app, role, username);
        return await LoginAsync(app, admin.Id, Password);
    }

    /// <summary>Signs in through the API; the client keeps the cookie and sends the CSRF header on every request.</summary>
    public static async Task<HttpClient> LoginAsync(WebApplicationFactory<Program> app, string username, string password)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        client.DefaultRequestHeaders.Add(CloudWgAuthenticationDefaults.CsrfHeader, "1");
        var response = await client.PostAsJsonAsync("/api/auth/login", new { username, password });
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Login of {username} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var body = await response.Content.ReadFromJsonAsync<LoginResponse>();
        if (body!.MfaRequired)
        {
            throw new InvalidOperationException($"{username} has MFA; complete POST /api/auth/mfa in the test.");
        }

        return client;
    }

    /// <summary>
    /// A client with a session minted by the session store for <paramref name="adminId"/>: the same row a login
    /// writes, without paying for a password hash. <paramref name="csrfHeader"/> false leaves the CSRF header off.
    /// </summary>
    public static async Task<HttpClient> MintedSessionAsync(WebApplicationFactory<Program> app, string adminId, bool csrfHeader = true)
    {
        var token = await MintSessionTokenAsync(app, adminId);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", $"{CloudWgAuthenticationDefaults.CookieName}={token}");
        if (csrfHeader)
        {
            client.DefaultRequestHeaders.Add(CloudWgAuthenticationDefaults.CsrfHeader, "1");
        }

        return client;
    }

    public static async Task<string> MintSessionTokenAsync(WebApplicationFactory<Program> app, string adminId)
    {
        var admin = await app.Services.GetRequiredService<AdminStore>().GetAsync(adminId, CancellationToken.None)
            ?? throw new InvalidOperationException($"No admin {adminId}.");
        return await app.Services.GetRequiredService<SessionStore>().CreateSessionAsync(admin, "127.0.0.1", CancellationToken.None);
    }

    /// <summary>Creates an admin with <paramref name="role"/> and an API token with <paramref name="scope"/>.</summary>
    public static async Task<HttpClient> TokenAsync(WebApplicationFactory<Program> app, string role, string scope)
    {
        var admin = await CreateAdminAsync(app, role);
        return await TokenClientAsync(app, admin.Id, scope);
    }

    /// <summary>A client sending a fresh <paramref name="scope"/> token of an existing admin as <c>Authorization: Bearer</c>.</summary>
    public static async Task<HttpClient> TokenClientAsync(WebApplicationFactory<Program> app, string adminId, string scope)
    {
        var (_, token) = await app.Services.GetRequiredService<ApiTokenStore>()
            .CreateAsync(adminId, "test", scope, app.Services.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(1), CancellationToken.None);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
