using System.Security.Claims;
using System.Security.Cryptography;
using CloudWg.Functions.Agent;
using CloudWg.Functions.Audit;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Pki;
using CloudWg.Functions.Sas;
using CloudWg.Protocol.Messages;
using CloudWg.Protocol.Validation;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Enrollment;

public static class EnrollmentEndpoints
{
    public static IEndpointRouteBuilder MapEnrollment(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/nodes/{id}").WithTags("Enrollment").RequireAuthorization(Policies.Admin);
        admin.MapPost("/enrollment", CreateToken)
            .WithSummary("Creates a single-use enrollment token for the node and the command that installs and enrolls the agent.");
        admin.MapPost("/revoke", Revoke)
            .WithSummary("Revokes the node: its certificates stop authenticating, its SAS stop working, its queue is deleted.");

        app.MapPost("/api/agent/enroll", Enroll)
            .WithTags("Agent")
            .AllowAnonymous()
            // The singleton, not AddEndpointFilter<T>() (which builds a filter, and so a fresh limiter, per request).
            .AddEndpointFilter((context, next) => context.HttpContext.RequestServices.GetRequiredService<EnrollmentRateLimit>().InvokeAsync(context, next))
            .Accepts<EnrollmentRequest>("application/json")
            .Produces<EnrollmentResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("Enrolls a node with a token and a CSR: certificate chain, trust bundle and SAS grants.");
        return app;
    }

    public static async Task<Results<Created<EnrollmentTokenResponse>, NotFound<ProblemDetails>>> CreateToken(
        string id,
        ClaimsPrincipal user,
        HttpContext http,
        INodeDirectory nodes,
        EnrollmentTokenStore tokens,
        IAuditLog audit,
        Auth.ClientAddress clientAddress,
        IOptions<EnrollmentOptions> options,
        ICertificateAuthority authority,
        ServerCertificateProvider serverCertificate,
        IServer server,
        CancellationToken cancellationToken)
    {
        if (!Identifiers.IsValid(id) || !await nodes.ExistsAsync(id, cancellationToken).ConfigureAwait(false))
        {
            return TypedResults.NotFound(NodeNotFound(id));
        }

        var ca = await authority.GetCertificatesAsync(cancellationToken).ConfigureAwait(false);
        var actor = user.Identity?.Name ?? "unknown";
        var (token, expiresAt) = await tokens.CreateAsync(id, actor, options.Value.TokenLifetime, cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync(new AuditEvent(actor, "node.enrollment.create", "success", "node", id, id, clientAddress.Of(http),
            Detail: $"token expires {expiresAt:O}"), cancellationToken).ConfigureAwait(false);
        var url = (options.Value.PublicControlUrl?.AbsoluteUri ?? $"{http.Request.Scheme}://{http.Request.Host}/").TrimEnd('/');
        var rootSha256 = ca.Root.GetCertHashString(HashAlgorithmName.SHA256);
        var enroll = $"--control-url {url} --token {token}";
        var curl = "curl -fsSL";
        if (ServedWithFleetCertificate(new Uri(url), serverCertificate, server))
        {
            // No public CA vouches for the fleet certificate: the agent pins the root, and curl (which cannot pin a
            // root) pins this process's server key instead; --insecure only skips the chain check the pin replaces.
            enroll += $" --root-sha256 {rootSha256}";
            curl += $" --insecure --pinnedpubkey {serverCertificate.CurlPublicKeyPin}";
        }

        return TypedResults.Created(
            $"/api/nodes/{id}",
            new EnrollmentTokenResponse(
                id,
                token,
                expiresAt,
                $"{curl} {url}/api/agent/install.sh | sudo sh -s -- {enroll}",
                $"sudo cloudwg-agent enroll {enroll}",
                rootSha256));
    }

    /// <summary>
    /// Whether nodes reach <paramref name="url"/> on one of this process's own HTTPS listeners, which present the
    /// fleet-CA certificate (local/embedded mode): https, on the port of such a listener. In Azure, or behind a proxy
    /// with a certificate of its own, the URL names no such port and the system trust store applies.
    /// </summary>
    public static bool ServedWithFleetCertificate(Uri url, ServerCertificateProvider serverCertificate, IServer server)
    {
        if (url.Scheme != Uri.UriSchemeHttps || !serverCertificate.IsServing)
        {
            return false;
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return addresses.Any(address => address.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(address.TrimEnd('/').AsSpan(address.TrimEnd('/').LastIndexOf(':') + 1), out var port)
            && port == url.Port);
    }

    public static async Task<IResult> Enroll(
        HttpContext http,
        EnrollmentTokenStore tokens,
        NodeCertificateStore certificates,
        NodeCredentialIssuer issuer,
        IAuditLog audit,
        Auth.ClientAddress clientAddress,
        CancellationToken cancellationToken)
    {
        var (request, bodyError) = await JsonBody.ReadAsync<EnrollmentRequest>(http.Request, cancellationToken).ConfigureAwait(false);
        if (request is null)
        {
            return bodyError!;
        }

        var errors = EnrollmentValidation.Validate(request, out var publicKey);
        if (errors.Count > 0 || publicKey is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var address = clientAddress.Of(http);
        var consumed = await tokens.ConsumeAsync(request.Token!, cancellationToken).ConfigureAwait(false);
        if (consumed.Failure is { } failure || consumed.NodeId is null)
        {
            await audit.RecordAsync(new AuditEvent("anonymous", "node.enroll", "failure", "node", ClientAddress: address, Detail: $"token {consumed.Failure}"), cancellationToken).ConfigureAwait(false);
            return TokenRejected(consumed.Failure ?? TokenConsumptionFailure.Unknown);
        }

        var nodeId = consumed.NodeId;
        if (await certificates.RevokedAtAsync(nodeId, cancellationToken).ConfigureAwait(false) is { } revokedAt && consumed.CreatedAt <= revokedAt)
        {
            await audit.RecordAsync(new AuditEvent("anonymous", "node.enroll", "failure", "node", nodeId, nodeId, address, Detail: "token predates revocation"), cancellationToken).ConfigureAwait(false);
            return TokenRejected(TokenConsumptionFailure.Expired);
        }

        try
        {
            var response = await issuer.IssueAsync(nodeId, publicKey, request.WireguardPublicKey, request.Hostname, request.AgentVersion, null, cancellationToken).ConfigureAwait(false);
            await audit.RecordAsync(new AuditEvent($"node:{nodeId}", "node.enroll", "success", "node", nodeId, nodeId, address,
                Detail: $"hostname {request.Hostname}, agent {request.AgentVersion}"), cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(response.ToEnrollmentResponse());
        }
        catch (NodeNotFoundException)
        {
            return TypedResults.Problem(detail: $"Node {nodeId} was deleted after this token was created; create the node and a new token.", statusCode: StatusCodes.Status404NotFound, title: "Node not found");
        }
        catch (StorageBusyException e)
        {
            http.Response.Headers.RetryAfter = "60";
            return TypedResults.Problem(detail: e.Message + " The token was used up; create a new one.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Try again later");
        }
    }

    public static async Task<Results<Ok<RevocationResult>, NotFound<ProblemDetails>>> Revoke(
        string id,
        ClaimsPrincipal user,
        HttpContext http,
        INodeDirectory nodes,
        NodeRevocation revocation,
        IAuditLog audit,
        Auth.ClientAddress clientAddress,
        CancellationToken cancellationToken)
    {
        if (!Identifiers.IsValid(id) || !await nodes.ExistsAsync(id, cancellationToken).ConfigureAwait(false))
        {
            return TypedResults.NotFound(NodeNotFound(id));
        }

        var result = await revocation.RevokeAsync(id, cancellationToken: cancellationToken).ConfigureAwait(false);
        var actor = user.Identity?.Name ?? "unknown";
        await audit.RecordAsync(new AuditEvent(actor, "node.revoke", "success", "node", id, id, clientAddress.Of(http),
            Detail: $"revoked {result.RevokedSerials.Count} certificate(s)"), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(result);
    }

    private static ProblemHttpResult TokenRejected(TokenConsumptionFailure failure) => TypedResults.Problem(
        detail: failure switch
        {
            TokenConsumptionFailure.Used => "This enrollment token has already been used. Create a new enrollment for the node.",
            TokenConsumptionFailure.Expired => "This enrollment token has expired. Create a new enrollment for the node.",
            _ => "This enrollment token is not valid. Check that it was copied completely, or create a new enrollment for the node.",
        },
        statusCode: StatusCodes.Status401Unauthorized,
        title: "Enrollment token rejected",
        extensions: new Dictionary<string, object?> { ["reason"] = failure.ToString().ToLowerInvariant() });

    private static ProblemDetails NodeNotFound(string id) => new()
    {
        Status = StatusCodes.Status404NotFound,
        Title = "Node not found",
        Detail = $"There is no node with id {id}.",
    };
}
