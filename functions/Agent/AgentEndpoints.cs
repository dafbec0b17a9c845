using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Azure;
using CloudWg.Functions.Audit;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Enrollment;
using CloudWg.Functions.Pki;
using CloudWg.Functions.Sas;
using CloudWg.Functions.Storage;
using CloudWg.Protocol.Messages;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudWg.Functions.Agent;

/// <summary>Endpoints agents call with requests signed by their node key (or over mutual TLS).</summary>
public static class AgentEndpoints
{
    public const string JoseContentType = "application/jose";

    public static IEndpointRouteBuilder MapAgent(this IEndpointRouteBuilder app)
    {
        var agent = app.MapGroup("/api/agent").WithTags("Agent").RequireAuthorization(Policies.Node);
        agent.MapPost("/renew", Renew)
            .Accepts<RenewalRequest>("application/json")
            .Produces<RenewalResponse>()
            .ProducesValidationProblem()
            .WithSummary("A new certificate for a CSR, and a fresh SAS set.");
        agent.MapGet("/desired-state", GetDesiredState)
            .WithSummary("The node's latest signed desired state (JWS compact serialization): the pull fallback.");
        return app;
    }

    public static async Task<IResult> Renew(
        ClaimsPrincipal user,
        HttpContext http,
        NodeCredentialIssuer issuer,
        ClientAddress clientAddress,
        IAuditLog audit,
        CancellationToken cancellationToken)
    {
        var (request, bodyError) = await JsonBody.ReadAsync<RenewalRequest>(http.Request, cancellationToken).ConfigureAwait(false);
        if (request is null)
        {
            return bodyError!;
        }

        if (!CertificateSigningRequests.TryParse(request.Csr, out var publicKey, out var error))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["csr"] = [error] });
        }

        var nodeId = user.FindFirstValue(NodeClaims.NodeId)!;
        try
        {
            var issued = await issuer.IssueAsync(nodeId, publicKey, null, null, null, user.FindFirstValue(NodeClaims.Serial), cancellationToken).ConfigureAwait(false);
            using var leaf = X509Certificate2.CreateFromPem(issued.CertificateChainPem[0]);
            await audit.RecordAsync(new AuditEvent($"node:{nodeId}", "node.renew", "success", "node", nodeId, nodeId, clientAddress.Of(http)?.ToString(),
                Detail: $"serial {leaf.SerialNumber}, previous serial {user.FindFirstValue(NodeClaims.Serial)}"), cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(issued.ToRenewalResponse());
        }
        catch (NodeNotFoundException)
        {
            return TypedResults.Problem(detail: $"Node {nodeId} no longer exists.", statusCode: StatusCodes.Status404NotFound, title: "Node not found");
        }
        catch (NodeRevokedException)
        {
            // Revoked while the renewal ran: the same answer the next request gets from authentication.
            return TypedResults.Problem(
                detail: NodeCertificateValidator.Revoked,
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Node authentication required");
        }
        catch (StorageBusyException e)
        {
            http.Response.Headers.RetryAfter = "60";
            return TypedResults.Problem(detail: e.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Try again later");
        }
    }

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetDesiredState(
        ClaimsPrincipal user,
        StorageClients storage,
        CancellationToken cancellationToken)
    {
        var nodeId = user.FindFirstValue(NodeClaims.NodeId)!;
        var blob = storage.Blobs.GetBlobContainerClient(storage.Names.NodeDesiredStateContainer(nodeId)).GetBlobClient(StorageNames.DesiredStateBlobName);
        try
        {
            var content = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return TypedResults.Text(content.Value.Content.ToString(), JoseContentType);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return TypedResults.Problem(detail: "No desired state has been published for this node yet.", statusCode: StatusCodes.Status404NotFound, title: "No desired state");
        }
    }
}
