using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using System.Text.Encodings.Web;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Pki;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Agent;

/// <summary>
/// Authenticates agents by client certificate: Kestrel's TLS client certificate locally, or <c>X-ARR-ClientCert</c>
/// only when <see cref="FrontEndOptions.BehindFunctionsFrontEnd"/>. The chain must end at the fleet CA and root
/// (custom root trust, nothing from the system store), be valid now, carry the client-auth EKU and a node URI SAN
/// matching its CN, and its serial must be recorded for that node and not revoked.
/// </summary>
public sealed class NodeCertificateAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ICertificateAuthority authority,
    NodeCertificateStore certificates,
    IOptions<FrontEndOptions> frontEnd,
    TimeProvider time,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var certificate = await ClientCertificateAsync().ConfigureAwait(false);
        if (certificate is null)
        {
            return AuthenticateResult.NoResult();
        }

        var ca = await authority.GetCertificatesAsync(Context.RequestAborted).ConfigureAwait(false);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca.Root);
        chain.ChainPolicy.ExtraStore.Add(ca.Fleet);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = time.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.ApplicationPolicy.Add(CertificateProfiles.ClientAuth);
        if (!chain.Build(certificate))
        {
            var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status));
            return AuthenticateResult.Fail($"The client certificate is not valid for this fleet ({status}). Enroll the node again.");
        }

        if (chain.ChainElements.Count != 3 || chain.ChainElements[1].Certificate.Thumbprint != ca.Fleet.Thumbprint)
        {
            return AuthenticateResult.Fail("The client certificate was not issued by the fleet CA.");
        }

        var nodeId = SubjectAlternativeNames.Uris(certificate).Select(NodeIdentity.FromUri).FirstOrDefault(id => id is not null);
        if (nodeId is null || certificate.GetNameInfo(X509NameType.SimpleName, false) != nodeId)
        {
            return AuthenticateResult.Fail("The client certificate does not name a node.");
        }

        if (!await certificates.IsActiveAsync(nodeId, certificate.SerialNumber, Context.RequestAborted).ConfigureAwait(false))
        {
            return AuthenticateResult.Fail("The client certificate has been revoked. The node must be enrolled again with a new token.");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, nodeId),
                new Claim(ClaimTypes.Name, "node:" + nodeId),
                new Claim(NodeClaims.NodeId, nodeId),
                new Claim(NodeClaims.Serial, certificate.SerialNumber),
                new Claim(CloudWgClaims.Method, NodeClaims.MethodCertificate),
            ],
            Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Node certificate required",
                Detail = result.Failure?.Message ?? "This endpoint needs the node's client certificate (mutual TLS).",
            },
        }).ConfigureAwait(false);
    }

    private async Task<X509Certificate2?> ClientCertificateAsync()
    {
        var certificate = Context.Connection.ClientCertificate
            ?? await Context.Connection.GetClientCertificateAsync(Context.RequestAborted).ConfigureAwait(false);
        if (certificate is not null || !frontEnd.Value.BehindFunctionsFrontEnd)
        {
            return certificate;
        }

        var header = Request.Headers[NodeCertificateDefaults.ForwardedCertificateHeader].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        try
        {
            return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(header));
        }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}
