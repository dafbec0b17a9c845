using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Messages;

namespace CloudWg.EdgeAgent.Enrollment;

/// <summary>
/// The agent's calls to the control plane (DESIGN §4, §5): enroll (anonymous, with the token), renew and the
/// pull fallback (mutual TLS with the node's certificate). Errors become <see cref="ControlPlaneException"/>s
/// whose message tells the operator what to fix; problem+json details are passed through.
/// </summary>
public sealed class ControlPlaneClient(HttpClient http, string controlUrl)
{
    /// <summary>Local clocks further off than this break certificate validity; enrollment refuses them.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    private readonly Uri baseUri = new(controlUrl.TrimEnd('/') + "/");

    public async Task<IssuedCredentials> EnrollAsync(EnrollmentRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var body = CanonicalJson.Serialize(request, ProtocolJsonContext.Default.EnrollmentRequest);
        using var response = await SendAsync(HttpMethod.Post, "api/agent/enroll", body, cancellationToken).ConfigureAwait(false);
        CheckClockSkew(response, now);
        if (!response.IsSuccessStatusCode)
        {
            var problem = await ProblemAsync(response, cancellationToken).ConfigureAwait(false);
            throw response.StatusCode switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.Gone or HttpStatusCode.Conflict =>
                    new ControlPlaneException($"The enrollment token was refused ({problem}). Tokens are single-use and expire; create a new one for this node.", (int)response.StatusCode),
                HttpStatusCode.NotFound => new ControlPlaneException($"The control plane at {controlUrl} has no enrollment endpoint or the node is gone ({problem}). Check --control-url.", 404),
                HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => new ControlPlaneException($"The control plane rejected the enrollment request: {problem}", (int)response.StatusCode),
                _ => new ControlPlaneException($"Enrollment failed with {(int)response.StatusCode}: {problem}", (int)response.StatusCode),
            };
        }

        return await ReadCredentialsAsync(response, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IssuedCredentials> RenewAsync(string csr, CancellationToken cancellationToken)
    {
        var body = CanonicalJson.Serialize(new RenewalRequest(csr), ProtocolJsonContext.Default.RenewalRequest);
        using var response = await SendAsync(HttpMethod.Post, "api/agent/renew", body, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var problem = await ProblemAsync(response, cancellationToken).ConfigureAwait(false);
            throw response.StatusCode switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new ControlPlaneException(
                    $"The control plane refused this node's certificate ({(int)response.StatusCode}: {problem}). The node keeps serving its last " +
                    "desired state but gets no updates; if it was revoked, remove the state directory and enroll it again with a new token.",
                    (int)response.StatusCode),
                _ => new ControlPlaneException($"Renewal failed with {(int)response.StatusCode}: {problem}", (int)response.StatusCode),
            };
        }

        return await ReadCredentialsAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The node's latest signed desired state, or null when none was published yet.</summary>
    public async Task<string?> GetDesiredStateAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, "api/agent/desired-state", null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            var problem = await ProblemAsync(response, cancellationToken).ConfigureAwait(false);
            throw new ControlPlaneException($"Pulling the desired state failed with {(int)response.StatusCode}: {problem}", (int)response.StatusCode);
        }

        var text = (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim();
        if (text.StartsWith('{'))
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.TryGetProperty("jws", out var jws) ? jws.GetString() : null;
        }

        return text;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, byte[]? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(baseUri, path));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        try
        {
            return await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.InnerException is System.Security.Authentication.AuthenticationException)
        {
            throw new ControlPlaneException(
                $"Cannot reach the control plane at {controlUrl}: its TLS certificate is not trusted here ({e.InnerException.Message}). " +
                "A control plane serving a fleet-CA certificate (local mode) needs the root's fingerprint: enroll with --root-sha256 from the enrollment page.", null, e);
        }
        catch (HttpRequestException e)
        {
            throw new ControlPlaneException($"Cannot reach the control plane at {controlUrl}: {e.Message}. Check the URL and that this host can reach it.", null, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ControlPlaneException($"The control plane at {controlUrl} did not answer within {http.Timeout.TotalSeconds:0} s.", null, e);
        }
    }

    private static void CheckClockSkew(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.Headers.Date is { } serverTime && (serverTime - now).Duration() > MaxClockSkew)
        {
            throw new ControlPlaneException(
                $"This host's clock ({now:u}) differs from the control plane's ({serverTime:u}) by {(serverTime - now).Duration().TotalMinutes:0} minutes; " +
                "certificates would not be valid. Fix the time (e.g. enable systemd-timesyncd) and enroll again.");
        }
    }

    private static async Task<string> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            var sb = new StringBuilder();
            if (root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
            {
                sb.Append(detail.GetString());
            }
            else if (root.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String)
            {
                sb.Append(title.GetString());
            }

            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in errors.EnumerateObject())
                {
                    var messages = field.Value.ValueKind == JsonValueKind.Array ? string.Join(" ", field.Value.EnumerateArray().Select(m => m.ToString())) : field.Value.ToString();
                    sb.Append(sb.Length > 0 ? "; " : string.Empty).Append(field.Name).Append(": ").Append(messages);
                }
            }

            return sb.Length > 0 ? sb.ToString() : response.ReasonPhrase ?? "no detail";
        }
        catch (JsonException)
        {
            return response.ReasonPhrase ?? "no detail";
        }
    }

    private static async Task<IssuedCredentials> ReadCredentialsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            var chain = root.GetProperty("certificateChainPem") switch
            {
                { ValueKind: JsonValueKind.Array } array => array.EnumerateArray().Select(e => e.GetString()!).ToList(),
                var single => [single.GetString()!],
            };
            TrustBundle? bundle = root.TryGetProperty("trustBundle", out var tb) && tb.ValueKind == JsonValueKind.Object
                ? CanonicalJson.Deserialize(Encoding.UTF8.GetBytes(tb.GetRawText()), ProtocolJsonContext.Default.TrustBundle)
                : null;
            return new IssuedCredentials(
                root.TryGetProperty("nodeId", out var id) ? id.GetString() : null,
                chain,
                bundle,
                Grant(root, "inbox"),
                Grant(root, "desiredStateBlob"),
                Grant(root, "reports"),
                root.GetProperty("certificateExpiresAt").GetDateTimeOffset());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ControlPlaneException($"The control plane's answer could not be read: {e.Message}", (int)response.StatusCode, e);
        }
    }

    private static SasGrant Grant(JsonElement root, string name)
    {
        var grant = root.GetProperty(name);
        return new SasGrant(grant.GetProperty("url").GetString()!, grant.GetProperty("expiresAt").GetDateTimeOffset());
    }

    internal static string Iso(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);
}
