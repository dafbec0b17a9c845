using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CloudWg.EdgeAgent.Caddy;

/// <summary>
/// Caddy's admin API (https://caddyserver.com/docs/api), over its unix socket or TCP, for any app. Changes
/// are made below <c>/config/apps/…</c> or through <see cref="LoadAsync"/>, which keeps the running
/// <c>admin</c> block, so the agent can never cut itself (or the operator) off from the API.
/// </summary>
/// <remarks>
/// Host header: Caddy checks it against the admin endpoint's allowed origins (DNS-rebinding protection).
/// For a unix socket the allowed value is the empty host ("Host:" with no value); Caddy 2.7+ also accepts
/// 127.0.0.1 and ::1, Caddy 2.6 (Debian 12) only the empty one, so the empty host is sent (see
/// <see cref="EmptyHostStream"/> for how, since HttpClient cannot). For TCP the
/// default (the address we dial, e.g. localhost:2019) is what Caddy expects.
/// ETag: Caddy sends it as an HTTP trailer after the chunked body (it hashes while writing), so it is read
/// from the trailing headers once the body has been consumed, falling back to ordinary headers.
/// </remarks>
public sealed class CaddyAdminClient : IDisposable
{
    private readonly HttpClient _http;

    /// <param name="adminAddress">Caddy's <c>admin.listen</c> value: <c>unix//run/caddy/admin.sock</c>, <c>localhost:2019</c>, or an http URL.</param>
    public CaddyAdminClient(string adminAddress, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(adminAddress);
        Address = adminAddress;
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        Uri baseAddress;
        if (adminAddress.StartsWith("unix/", StringComparison.Ordinal))
        {
            var path = adminAddress["unix/".Length..];
            handler.ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
                    return new EmptyHostStream(new NetworkStream(socket, ownsSocket: true));
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
            baseAddress = new Uri($"http://{EmptyHostStream.PlaceholderHost}/");
        }
        else
        {
            baseAddress = new Uri(adminAddress.Contains("://", StringComparison.Ordinal) ? adminAddress : "http://" + adminAddress);
        }

        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
    }

    public string Address { get; }

    /// <summary>GET /config/{path}: the value (null when unset) and its ETag.</summary>
    public async Task<CaddyConfig> GetConfigAsync(string path = "", CancellationToken cancellationToken = default)
    {
        using var request = NewRequest(HttpMethod.Get, ConfigPath(path), null, null);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await ReadBodyAsync(response, $"GET {request.RequestUri}", cancellationToken).ConfigureAwait(false);
        var etag = Header(response.TrailingHeaders, "ETag") ?? Header(response.Headers, "ETag");
        return new CaddyConfig(string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body), etag);
    }

    /// <summary>
    /// POST (set or replace an object key, append to an array), PUT (create; fails if it exists), PATCH
    /// (replace an existing value) or DELETE at /config/{path}. With <paramref name="ifMatch"/> Caddy applies
    /// the change only if the config at the ETag's path still hashes the same (else 412). A change Caddy cannot
    /// load is rolled back by Caddy and reported as a <see cref="CaddyAdminException"/> with its message.
    /// </summary>
    public async Task ChangeConfigAsync(HttpMethod method, string path, JsonNode? value, string? ifMatch, CancellationToken cancellationToken = default)
    {
        using var request = NewRequest(method, ConfigPath(path), value, ifMatch);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        await ReadBodyAsync(response, $"{method} {request.RequestUri}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POST /load: replaces the whole config, keeping the running <c>admin</c> block when the new one has none.</summary>
    public async Task LoadAsync(JsonObject config, CancellationToken cancellationToken = default)
    {
        if (config["admin"] is null)
        {
            var admin = await GetConfigAsync("admin", cancellationToken).ConfigureAwait(false);
            if (admin.Value is not null)
            {
                config = (JsonObject)config.DeepClone();
                config["admin"] = admin.Value;
            }
        }

        using var request = NewRequest(HttpMethod.Post, "/load", config, null);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        await ReadBodyAsync(response, "POST /load", cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _http.Dispose();

    private static string ConfigPath(string path) => "/config/" + path.TrimStart('/');

    private HttpRequestMessage NewRequest(HttpMethod method, string path, JsonNode? body, string? ifMatch)
    {
        var request = new HttpRequestMessage(method, path);
        if (ifMatch is not null)
        {
            // Caddy's ETags contain a space ("<path> <hash>"), which strict ETag parsing rejects.
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new CaddyAdminException($"Caddy admin API at {Address} is unreachable: {e.Message}", e);
        }
    }

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return body;
        }

        var message = body.Trim();
        try
        {
            if (JsonNode.Parse(body) is JsonObject { } error && (string?)error["error"] is { } text)
            {
                message = text;
            }
        }
        catch (JsonException)
        {
            // Not JSON (e.g. Go's plain-text 400 for a bad Host header): keep the raw text.
        }

        throw new CaddyAdminException(response.StatusCode, message, operation);
    }

    private static string? Header(System.Net.Http.Headers.HttpHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
