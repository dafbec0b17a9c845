using System.Text;
using Azure.Data.Tables;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Storage;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace CloudWg.Functions.Tests.Auth;

/// <summary>
/// Every route the app maps × every kind of caller → the status the route's authorization metadata implies.
/// Routes come from the app's <see cref="EndpointDataSource"/>, so a new endpoint is covered automatically; one
/// with no policy that is not on <see cref="AnonymousRoutes"/> fails the test.
/// </summary>
public sealed class AuthorizationMatrixTests(AzuriteFixture azurite)
{
    /// <summary>The only routes anyone may call without credentials (DESIGN §5, issue 4 §6).</summary>
    public static readonly IReadOnlySet<string> AnonymousRoutes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "GET /api/health",
        "GET /api/setup",
        "POST /api/setup",
        "POST /api/auth/login",
        "POST /api/auth/mfa",
        "GET /api/openapi.json", // describes the API, holds no data
        "POST /api/agent/enroll", // the one-time enrollment token in the body is the credential
        "GET /api/agent/install.sh", // a public install script, like any release download
        "GET /api/agent/downloads/{file}", // the public agent release tarball
        "GET /api/agent/root-certificate", // the fleet's root CA certificate, public like any CA certificate
    };

    /// <summary>
    /// Endpoint names of anonymous routes outside <c>/api</c>: the custom-handler trigger routes, which the Functions
    /// host calls over loopback (it proxies only <c>/api/*</c> from outside) and which answer loopback callers only.
    /// </summary>
    public static readonly IReadOnlyList<string> AnonymousEndpointNamePrefixes = ["trigger-"];

    public enum Caller
    {
        Anonymous,
        Viewer,
        Admin,
        Owner,
        ReadToken,
        WriteToken,
        ExpiredSession,
        CookieWriteWithoutCsrf,
    }

    private enum Expect
    {
        Allowed,
        Unauthorized,
        Forbidden,
        Denied,
    }

    [Fact]
    public async Task Every_route_answers_every_caller_as_its_policy_says()
    {
        await using var app = new CloudWgApp(azurite.ConnectionString);
        using var warmup = app.CreateClient();
        var viewer = await AuthenticatedClients.CreateAdminAsync(app, Roles.Viewer);
        var admin = await AuthenticatedClients.CreateAdminAsync(app, Roles.Admin);
        var owner = await AuthenticatedClients.CreateAdminAsync(app, Roles.Owner);

        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/api/auth/login");

        var failures = new List<string>();
        var checkedRoutes = 0;
        foreach (var endpoint in endpoints)
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods)
            {
                var route = $"{method} {endpoint.RoutePattern.RawText?.TrimEnd('/')}";
                var rule = Rule(endpoint, route, out var ruleError);
                if (rule is null)
                {
                    failures.Add($"{route}: {ruleError}");
                    continue;
                }

                checkedRoutes++;
                foreach (var caller in Enum.GetValues<Caller>())
                {
                    var expected = rule(caller, method);
                    using var client = await ClientFor(app, caller, viewer.Id, admin.Id, owner.Id);
                    using var request = new HttpRequestMessage(new HttpMethod(method), Path(endpoint));
                    if (method is "POST" or "PUT" or "PATCH")
                    {
                        request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                    }

                    // Headers only: a streaming endpoint (GET /api/events) never ends its body.
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
                    var status = (int)response.StatusCode;
                    var ok = expected switch
                    {
                        Expect.Allowed => status is not (401 or 403) && status < 500,
                        Expect.Unauthorized => status == 401,
                        Expect.Forbidden => status == 403,
                        _ => status is 401 or 403,
                    };
                    if (ok && status is 401 or 403)
                    {
                        var contentType = response.Content.Headers.ContentType?.MediaType;
                        ok = contentType == "application/problem+json";
                    }

                    if (!ok)
                    {
                        failures.Add($"{route} as {caller}: expected {expected}, got {status} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
                    }
                }
            }
        }

        Assert.True(checkedRoutes >= 15, $"Only {checkedRoutes} routes were found.");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void A_route_without_a_policy_or_an_allow_list_entry_fails_the_matrix()
    {
        var bare = new RouteEndpoint(_ => Task.CompletedTask, RoutePatternFactory.Parse("/api/new-thing"), 0, new EndpointMetadataCollection(new HttpMethodMetadata(["POST"])), "bare");
        Assert.Null(Rule(bare, "POST /api/new-thing", out var error));
        Assert.Contains("no authorization policy", error);

        var anonymous = new RouteEndpoint(_ => Task.CompletedTask, RoutePatternFactory.Parse("/api/new-thing"), 0, new EndpointMetadataCollection(new AllowAnonymousAttribute()), "anonymous");
        Assert.Null(Rule(anonymous, "GET /api/new-thing", out error));
        Assert.Contains("allow-list", error);

        var unknown = new RouteEndpoint(_ => Task.CompletedTask, RoutePatternFactory.Parse("/api/new-thing"), 0, new EndpointMetadataCollection(new AuthorizeAttribute("made.up")), "unknown");
        Assert.Null(Rule(unknown, "GET /api/new-thing", out error));
        Assert.Contains("made.up", error);
    }

    /// <summary>Expected outcome per caller, derived from the endpoint's metadata; null (with a reason) when it has no rule.</summary>
    private static Func<Caller, string, Expect>? Rule(RouteEndpoint endpoint, string route, out string? error)
    {
        error = null;
        var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
        var policy = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null);
        if (anonymous)
        {
            var name = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "";
            var outsideApi = !(endpoint.RoutePattern.RawText ?? "").StartsWith("/api", StringComparison.OrdinalIgnoreCase);
            if (!AnonymousRoutes.Contains(route) && !(outsideApi && AnonymousEndpointNamePrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal))))
            {
                error = "allows anonymous access but is not on the anonymous allow-list";
                return null;
            }

            return (caller, method) => CsrfBlocked(caller, method) ? Expect.Forbidden : Expect.Allowed;
        }

        if (policy is null)
        {
            error = "has no authorization policy (add RequireAuthorization(Policies.X), or AllowAnonymous plus an allow-list entry)";
            return null;
        }

        // What each authenticated caller may do under each policy. Tokens belong to an owner, so only scope limits them.
        Func<Caller, bool>? allows = policy switch
        {
            Policies.Viewer => c => true,
            Policies.Authenticated => c => true,
            Policies.Admin => c => c is Caller.Admin or Caller.Owner or Caller.WriteToken or Caller.CookieWriteWithoutCsrf,
            Policies.Owner => c => c is Caller.Owner or Caller.WriteToken or Caller.CookieWriteWithoutCsrf,
            Policies.Account or Policies.Session => c => c is not (Caller.ReadToken or Caller.WriteToken),
            Policies.Node => null,
            _ => null,
        };
        if (allows is null && policy != Policies.Node)
        {
            error = $"uses policy '{policy}', which this test has no rule for";
            return null;
        }

        return (caller, method) => caller switch
        {
            Caller.Anonymous or Caller.ExpiredSession => Expect.Unauthorized,
            _ when allows is null => Expect.Denied,
            _ when CsrfBlocked(caller, method) => Expect.Forbidden,
            _ => allows(caller) ? Expect.Allowed : Expect.Forbidden,
        };
    }

    private static bool CsrfBlocked(Caller caller, string method) =>
        caller == Caller.CookieWriteWithoutCsrf && !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method));

    private static async Task<HttpClient> ClientFor(CloudWgApp app, Caller caller, string viewer, string admin, string owner)
    {
        switch (caller)
        {
            case Caller.Anonymous:
                return app.CreateClient();
            case Caller.Viewer:
                return await AuthenticatedClients.MintedSessionAsync(app, viewer);
            case Caller.Admin:
                return await AuthenticatedClients.MintedSessionAsync(app, admin);
            case Caller.Owner:
                return await AuthenticatedClients.MintedSessionAsync(app, owner);
            case Caller.ReadToken:
                return await AuthenticatedClients.TokenClientAsync(app, owner, CloudWgClaims.ScopeRead);
            case Caller.WriteToken:
                return await AuthenticatedClients.TokenClientAsync(app, owner, CloudWgClaims.ScopeWrite);
            case Caller.CookieWriteWithoutCsrf:
                return await AuthenticatedClients.MintedSessionAsync(app, owner, csrfHeader: false);
            default:
                // A real session of the owner, idle longer than the inactivity timeout.
                var token = await AuthenticatedClients.MintSessionTokenAsync(app, owner);
                var table = app.Services.GetRequiredService<StorageClients>().Table("sessions");
                var row = (await table.GetEntityAsync<TableEntity>(TokenHashing.Hash(token), SessionStore.SessionRow)).Value;
                row["LastSeenAt"] = DateTimeOffset.UtcNow.AddHours(-2);
                await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
                var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
                client.DefaultRequestHeaders.Add("Cookie", $"{CloudWgAuthenticationDefaults.CookieName}={token}");
                client.DefaultRequestHeaders.Add(CloudWgAuthenticationDefaults.CsrfHeader, "1");
                return client;
        }
    }

    /// <summary>A concrete path for the route pattern: each parameter becomes a value that satisfies common constraints.</summary>
    private static string Path(RouteEndpoint endpoint)
    {
        var parts = endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter => ParameterValue(parameter),
            _ => "x",
        })));
        return "/" + string.Join('/', parts);
    }

    private static string ParameterValue(RoutePatternParameterPart parameter)
    {
        var constraints = string.Join(",", parameter.ParameterPolicies.Select(p => p.Content ?? ""));
        return constraints switch
        {
            _ when constraints.Contains("guid", StringComparison.OrdinalIgnoreCase) => Guid.Empty.ToString(),
            _ when constraints.Contains("int", StringComparison.OrdinalIgnoreCase) || constraints.Contains("long", StringComparison.OrdinalIgnoreCase) => "1",
            _ => "matrix-probe",
        };
    }
}
