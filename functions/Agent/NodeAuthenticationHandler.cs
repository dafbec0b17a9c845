using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Encodings.Web;
using CloudWg.Functions.Audit;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Enrollment;
using CloudWg.Protocol.HttpSignatures;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Agent;

/// <summary>
/// Authenticates agents. A request carrying a signature is judged by it alone (<see cref="NodeRequestSignature"/>):
/// the certificate it carries must be a live node certificate of this fleet, the signature must verify with that
/// certificate's key over this request's method, target URI and body digest, be recent (<see cref="NodeSignatureOptions"/>)
/// and its nonce unused on any instance. Without a signature, a TLS client certificate presented to Kestrel is
/// accepted (self-hosted control planes that terminate TLS themselves). Every refusal is a 401 problem naming the
/// reason, and audited.
/// </summary>
public sealed class NodeAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    NodeCertificateValidator validator,
    NonceCache nonces,
    IOptions<NodeSignatureOptions> signatureOptions,
    IOptions<EnrollmentOptions> enrollment,
    IOptions<FrontEndOptions> frontEnd,
    ClientAddress clientAddress,
    IAuditLog audit,
    TimeProvider time,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const int MaxBodyBytes = 1024 * 1024;
    private const string NodeIdItem = "cloudwg.node-auth.node-id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers.ContainsKey(NodeRequestSignature.SignatureInputHeader) || Request.Headers.ContainsKey(NodeRequestSignature.SignatureHeader))
        {
            return await SignedRequestAsync().ConfigureAwait(false);
        }

        var certificate = Context.Connection.ClientCertificate
            ?? await Context.Connection.GetClientCertificateAsync(Context.RequestAborted).ConfigureAwait(false);
        if (certificate is null)
        {
            return AuthenticateResult.NoResult();
        }

        var (nodeId, failure) = await validator.ValidateAsync(certificate, checkRevocation: true, Context.RequestAborted).ConfigureAwait(false);
        return nodeId is null ? Fail(failure!, null) : Success(nodeId, certificate.SerialNumber, NodeClaims.MethodCertificate);
    }

    private async Task<AuthenticateResult> SignedRequestAsync()
    {
        var signature = NodeRequestSignature.Parse(name => Request.Headers.TryGetValue(name, out var v) ? v.Select(s => s ?? "") : null, Request.Method, out var error);
        if (signature is null)
        {
            return Fail($"The request signature was refused: {error}.", null);
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(signature.CertificateDer);
        }
        catch (CryptographicException)
        {
            return Fail($"The request signature was refused: {NodeRequestSignature.CertificateHeader} is not a certificate.", null);
        }

        using (certificate)
        {
            var (nodeId, failure) = await validator.ValidateAsync(certificate, checkRevocation: false, Context.RequestAborted).ConfigureAwait(false);
            if (nodeId is null)
            {
                return Fail(failure!, null);
            }

            var now = time.GetUtcNow();
            var o = signatureOptions.Value;
            var skew = TimeSpan.FromSeconds(signature.Created - now.ToUnixTimeSeconds());
            if (skew > o.ClockSkew)
            {
                return Fail($"The request signature was made {skew.TotalSeconds:0} s in the future by this control plane's clock; the node's clock is ahead. Fix its time (e.g. enable systemd-timesyncd).", nodeId);
            }

            if (-skew > o.MaxAge + o.ClockSkew)
            {
                return Fail($"The request signature is {-skew.TotalSeconds:0} s old (at most {o.MaxAge.TotalSeconds:0} s are accepted): a replay, or the node's clock is behind. Fix its time (e.g. enable systemd-timesyncd).", nodeId);
            }

            if (signature.Expires is { } expires && expires < now.ToUnixTimeSeconds())
            {
                return Fail("The request signature has expired.", nodeId);
            }

            string? digest = null;
            if (signature.Components.Contains("content-digest"))
            {
                digest = SignatureBase.FieldValue(Request.Headers[ContentDigest.HeaderName].Select(s => s ?? ""));
                var body = await ReadBodyAsync().ConfigureAwait(false);
                if (body is null)
                {
                    return Fail("The request body is larger than 1 MiB.", nodeId);
                }

                if (!ContentDigest.Matches(digest, body, out var digestError))
                {
                    return Fail($"The request signature was refused: {digestError}.", nodeId);
                }
            }

            using var key = certificate.GetECDsaPublicKey();
            if (key is null || !TargetUris().Any(uri => NodeRequestSignature.Verify(key, NodeRequestSignature.BaseFor(signature, Request.Method, uri, digest), signature.Signature)))
            {
                return Fail("The request signature does not verify with the node certificate's key for this method, URL and body.", nodeId);
            }

            if (!await validator.IsActiveAsync(nodeId, certificate, Context.RequestAborted).ConfigureAwait(false))
            {
                return Fail(NodeCertificateValidator.Revoked, nodeId);
            }

            var nonceExpiry = DateTimeOffset.FromUnixTimeSeconds(signature.Created) + o.MaxAge + (2 * o.ClockSkew);
            if (!await nonces.TryUseAsync(nodeId, signature.Nonce, nonceExpiry, Context.RequestAborted).ConfigureAwait(false))
            {
                return Fail("The request signature was already used (a replayed request).", nodeId);
            }

            if (skew.Duration() >= o.ReportSkewFrom)
            {
                Response.Headers[NodeAuthenticationDefaults.ClockSkewHeader] = ((long)skew.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                Logger.LogWarning("Node {NodeId}'s clock is off by {Skew} s", nodeId, (long)skew.TotalSeconds);
            }

            return Success(nodeId, certificate.SerialNumber, NodeClaims.MethodSignature);
        }
    }

    /// <summary>
    /// The URIs this request may have been signed for: as it arrived, and, since a front end (the Functions host,
    /// a TLS-terminating proxy) changes scheme and often authority on the way, the same path and query on the public
    /// control URL and, behind the Functions front end, on <c>https://</c> and the forwarded host.
    /// </summary>
    private IEnumerable<string> TargetUris()
    {
        var pathAndQuery = Request.PathBase + Request.Path + Request.QueryString;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        IEnumerable<string?> Origins()
        {
            yield return $"{Request.Scheme}://{Request.Host}";
            if (enrollment.Value.PublicControlUrl is { } publicUrl)
            {
                yield return publicUrl.GetLeftPart(UriPartial.Authority);
            }

            if (frontEnd.Value.BehindFunctionsFrontEnd)
            {
                yield return $"https://{Request.Host}";
                if (Request.Headers["X-Forwarded-Host"].FirstOrDefault() is { Length: > 0 } forwarded)
                {
                    yield return $"https://{forwarded}";
                }
            }
        }

        foreach (var origin in Origins())
        {
            if (origin is not null && Uri.TryCreate(origin + pathAndQuery, UriKind.Absolute, out var uri) && seen.Add(uri.AbsoluteUri))
            {
                yield return uri.AbsoluteUri;
            }
        }
    }

    private async Task<byte[]?> ReadBodyAsync()
    {
        if (Request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        Request.EnableBuffering(MaxBodyBytes);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await Request.Body.ReadAsync(chunk, Context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        Request.Body.Position = 0;
        return buffer.ToArray();
    }

    private AuthenticateResult Success(string nodeId, string serial, string method)
    {
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, nodeId),
                new Claim(ClaimTypes.Name, "node:" + nodeId),
                new Claim(NodeClaims.NodeId, nodeId),
                new Claim(NodeClaims.Serial, serial),
                new Claim(CloudWgClaims.Method, method),
            ],
            Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    private AuthenticateResult Fail(string reason, string? nodeId)
    {
        Context.Items[NodeIdItem] = nodeId;
        return AuthenticateResult.Fail(reason);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        var reason = result.Failure?.Message ?? "This endpoint needs a request signed with the node's key (or the node's TLS client certificate).";
        var nodeId = Context.Items[NodeIdItem] as string;
        await audit.RecordAsync(
            new AuditEvent(nodeId is null ? "anonymous" : $"node:{nodeId}", "node.auth", "failure", "node", nodeId, nodeId, clientAddress.Of(Context), Detail: reason),
            Context.RequestAborted).ConfigureAwait(false);
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Node authentication required",
                Detail = reason,
            },
        }).ConfigureAwait(false);
    }
}
