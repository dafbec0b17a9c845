using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CloudWg.SystemTests.Harness;

/// <summary>The admin HTTP API as the SPA uses it: session cookie plus the <c>X-CloudWg-Request</c> header.</summary>
public sealed class AdminApi : IDisposable
{
    private readonly HttpClient http;

    /// <param name="trust">For an HTTPS front end: the CA its certificate comes from (what a browser trusts publicly).</param>
    public AdminApi(Uri baseUrl, System.Security.Cryptography.X509Certificates.X509Certificate2? trust = null)
    {
        var handler = new SocketsHttpHandler { CookieContainer = new CookieContainer(), UseCookies = true };
        if (trust is not null)
        {
            handler.SslOptions.CertificateChainPolicy = new System.Security.Cryptography.X509Certificates.X509ChainPolicy
            {
                TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust,
                CustomTrustStore = { trust },
                RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            };
        }

        http = new HttpClient(handler)
        {
            BaseAddress = baseUrl,
            Timeout = TimeSpan.FromSeconds(60),
        };
        http.DefaultRequestHeaders.Add("X-CloudWg-Request", "1");
    }

    public async Task SetupAndLoginAsync(string setupToken, string username, string password)
    {
        await SendAsync(HttpMethod.Post, "api/setup", new { token = setupToken, username, password });
        await LoginAsync(username, password);
    }

    public async Task LoginAsync(string username, string password) =>
        await SendAsync(HttpMethod.Post, "api/auth/login", new { username, password });

    public async Task<JsonObject> CreateNodeAsync(object node) => (await SendAsync(HttpMethod.Post, "api/nodes", node)).Body;

    public async Task<JsonObject> GetNodeAsync(string id) => (await SendAsync(HttpMethod.Get, $"api/nodes/{id}", null)).Body;

    public async Task<string> CreateEnrollmentTokenAsync(string nodeId) =>
        AdminApi.Text(await CreateEnrollmentAsync(nodeId), "token");

    /// <summary>The whole enrollment answer: token, commands and the root's SHA-256 fingerprint (<c>rootCertificateSha256</c>).</summary>
    public async Task<JsonObject> CreateEnrollmentAsync(string nodeId) => (await SendAsync(HttpMethod.Post, $"api/nodes/{nodeId}/enrollment", null)).Body;

    public async Task<JsonObject> RevokeNodeAsync(string nodeId) => (await SendAsync(HttpMethod.Post, $"api/nodes/{nodeId}/revoke", null)).Body;

    /// <summary>The newest audit entries (up to 500) whose action starts with <paramref name="action"/>, for one node.</summary>
    public async Task<IReadOnlyList<JsonObject>> AuditAsync(string action, string nodeId) =>
        (await SendAsync(HttpMethod.Get, $"api/audit?pageSize=500&action={Uri.EscapeDataString(action)}&nodeId={Uri.EscapeDataString(nodeId)}", null))
            .Body["items"]!.AsArray().Select(item => item!.AsObject()).ToList();

    /// <summary>PATCH a node (merge patch) with the ETag it has now.</summary>
    public async Task<JsonObject> PatchNodeAsync(string nodeId, object changes)
    {
        var (_, etag) = await SendAsync(HttpMethod.Get, $"api/nodes/{nodeId}", null);
        return (await SendAsync(HttpMethod.Patch, $"api/nodes/{nodeId}", changes, etag)).Body;
    }

    public async Task<JsonObject> CreateFirewallRuleAsync(string nodeId, object rule) =>
        (await SendAsync(HttpMethod.Post, $"api/nodes/{nodeId}/firewall-rules", rule)).Body;

    public async Task<JsonObject> CreateRouteAsync(string nodeId, object route) =>
        (await SendAsync(HttpMethod.Post, $"api/nodes/{nodeId}/routes", route)).Body;

    public async Task<JsonObject> CreatePeerAsync(string nodeId, object peer) =>
        (await SendAsync(HttpMethod.Post, $"api/nodes/{nodeId}/peers", peer)).Body;

    public async Task<JsonObject> SetPeerEnabledAsync(string peerId, bool enabled)
    {
        var (_, etag) = await SendAsync(HttpMethod.Get, $"api/peers/{peerId}", null);
        return (await SendAsync(HttpMethod.Patch, $"api/peers/{peerId}", new { enabled }, etag)).Body;
    }

    public async Task DeletePeerAsync(string peerId)
    {
        var (_, etag) = await SendAsync(HttpMethod.Get, $"api/peers/{peerId}", null);
        await SendAsync(HttpMethod.Delete, $"api/peers/{peerId}", null, etag);
    }

    public void Dispose() => http.Dispose();

    private async Task<(JsonObject Body, EntityTagHeaderValue? ETag)> SendAsync(HttpMethod method, string path, object? body, EntityTagHeaderValue? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(ifMatch);
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{method} /{path} answered {(int)response.StatusCode}: {text}", null, response.StatusCode);
        }

        var json = string.IsNullOrWhiteSpace(text) ? new JsonObject() : JsonNode.Parse(text) as JsonObject ?? new JsonObject();
        return (json, response.Headers.ETag);
    }

    /// <summary>Reads a string member of an API response.</summary>
    public static string Text(JsonObject body, string name) =>
        body[name]?.GetValue<string>() ?? throw new JsonException($"The response has no '{name}': {body.ToJsonString()}");
}
