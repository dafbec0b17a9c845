using System.Net;
using System.Text.Json.Nodes;
using CloudWg.Functions.Reports;
using CloudWg.Functions.Storage;
using CloudWg.Functions.Triggers;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CloudWg.Functions.Tests.Triggers;

public sealed class FunctionPackagingTests(AzuriteFixture azurite)
{
    private static readonly string FunctionsDirectory = Path.Combine(Azurite.RepositoryRoot(), "functions");

    [Fact]
    public void Every_function_json_has_a_handler_and_every_handler_a_function_json_with_the_same_schedule()
    {
        var declared = Directory.GetDirectories(FunctionsDirectory)
            .Where(d => File.Exists(Path.Combine(d, "function.json")))
            .ToDictionary(d => Path.GetFileName(d), d => JsonNode.Parse(File.ReadAllText(Path.Combine(d, "function.json")))!["bindings"]!.AsArray());

        var http = Assert.Single(declared, d => d.Value.Any(b => (string?)b!["type"] == "httpTrigger"));
        Assert.Equal("http", http.Key);
        var trigger = http.Value.Single(b => (string?)b!["type"] == "httpTrigger")!;
        // Everything, not only /api (the app serves the admin SPA on the same origin), except the paths the host
        // invokes the other functions on: those must never be reachable from the internet through this function.
        var route = (string)trigger["route"]!;
        var excluded = System.Text.RegularExpressions.Regex.Match(route, @"^\{\*path:regex\(\^\(\?!\((?<names>[a-z|]+)\)\$\)\.\*\$\)\}$");
        Assert.True(excluded.Success, route);
        Assert.Equal(
            declared.Keys.Where(k => k != "http").Select(k => k.ToLowerInvariant()).Order(StringComparer.Ordinal),
            excluded.Groups["names"].Value.Split('|').Order(StringComparer.Ordinal));
        var template = Microsoft.AspNetCore.Routing.Patterns.RoutePatternFactory.Parse(route);
        var constraint = new Microsoft.AspNetCore.Routing.Constraints.RegexInlineRouteConstraint(
            (string)template.Parameters.Single().ParameterPolicies.Single().Content![("regex(".Length)..^1]);
        foreach (var (path, routed) in new[] { ("api/nodes", true), ("nodes/n1", true), ("assets/app.js", true), ("Republish", false), ("ingestreports", false), ("republish/x", true) })
        {
            Assert.Equal(routed, constraint.Match(null, null, "path", new Microsoft.AspNetCore.Routing.RouteValueDictionary { ["path"] = path }, Microsoft.AspNetCore.Routing.RouteDirection.IncomingRequest));
        }
        Assert.Equal("anonymous", (string?)trigger["authLevel"]);

        var triggers = declared.Where(d => d.Key != "http").ToDictionary(d => d.Key, d => d.Value.Single(b => (string?)b!["direction"] == "in")!);
        var queues = triggers.Where(t => (string?)t.Value["type"] == "queueTrigger").ToDictionary();
        Assert.Equal(QueueFunctions.All.Order(), queues.Keys.Order());
        Assert.Equal(QueueFunctions.IngestReportsBinding, (string?)queues[QueueFunctions.IngestReports]["name"]);
        Assert.Equal(StorageNames.ReportsQueueName, (string?)queues[QueueFunctions.IngestReports]["queueName"]);
        var timers = triggers.Where(t => !queues.ContainsKey(t.Key)).ToDictionary();
        Assert.Equal(TriggerFunctions.All.Select(f => f.Name).Order(), timers.Keys.Order());
        foreach (var function in TriggerFunctions.All)
        {
            Assert.Equal("timerTrigger", (string?)timers[function.Name]["type"]);
            Assert.Equal(function.Schedule, (string?)timers[function.Name]["schedule"]);
            Assert.NotNull(CronSchedule.Parse(function.Schedule).Next(DateTimeOffset.UtcNow));
        }
    }

    [Fact]
    public void Host_json_runs_the_app_as_a_proxying_custom_handler_through_the_packaged_start_script()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(FunctionsDirectory, "host.json")))!;
        Assert.Equal("2.0", (string?)host["version"]);
        Assert.True((bool)host["customHandler"]!["enableProxyingHttpRequest"]!);
        Assert.Equal("", (string?)host["extensions"]!["http"]!["routePrefix"]);
        Assert.StartsWith("[4.", (string?)host["extensionBundle"]!["version"]);

        // infra/package.sh writes the start script into the package; host.json must name that file.
        var script = (string)host["customHandler"]!["description"]!["defaultExecutablePath"]!;
        var package = File.ReadAllText(Path.Combine(Azurite.RepositoryRoot(), "infra", "package.sh"));
        Assert.Contains($"start_script={script}", package);
    }

    [Fact]
    public async Task Trigger_endpoints_answer_the_custom_handler_contract_on_loopback_only()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var admin = app.Client();
        await admin.CreateNodeAsync();
        var server = app.Factory.Server;
        var payload = """{"Data":{"timer":{"Schedule":{"AdjustForDST":true},"IsPastDue":false}},"Metadata":{"sys":{"MethodName":"Republish"}}}""";

        foreach (var function in TriggerFunctions.All)
        {
            var local = await server.SendAsync(c =>
            {
                c.Request.Method = "POST";
                c.Request.Path = "/" + function.Name;
                c.Request.ContentType = "application/json";
                c.Request.Body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(payload));
                c.Connection.RemoteIpAddress = IPAddress.Loopback;
            }, ct);
            Assert.Equal(200, local.Response.StatusCode);
            var body = await JsonNode.ParseAsync(local.Response.Body, cancellationToken: ct);
            Assert.NotNull(body!["Outputs"]);
            Assert.NotEmpty(body["Logs"]!.AsArray());
            Assert.NotNull(body["ReturnValue"]);

            var remote = await server.SendAsync(c =>
            {
                c.Request.Method = "POST";
                c.Request.Path = "/" + function.Name;
                c.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.9");
            }, ct);
            Assert.Equal(404, remote.Response.StatusCode);
        }

        // Through the ordinary (non-loopback) client, as from the internet: not there.
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/Republish", Api.RawJson("{}"), ct)).StatusCode);
    }

    [Fact]
    public async Task Every_api_endpoint_states_who_may_call_it_and_none_of_mine_is_anonymous()
    {
        await using var app = await FleetApp.StartAsync(azurite);
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var fleet = endpoints.Where(e => e.RoutePattern.RawText is { } p
            && (p.StartsWith("/api/nodes", StringComparison.Ordinal) || p.StartsWith("/api/peers", StringComparison.Ordinal)
                || p.StartsWith("/api/routes", StringComparison.Ordinal) || p.StartsWith("/api/firewall-rules", StringComparison.Ordinal))).ToList();
        Assert.True(fleet.Count >= 20, $"found {fleet.Count} fleet endpoints");
        foreach (var endpoint in fleet)
        {
            Assert.Null(endpoint.Metadata.GetMetadata<IAllowAnonymous>());
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
            var method = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single();
            Assert.Equal([method == "GET" ? Functions.Auth.Policies.Viewer : Functions.Auth.Policies.Admin], policies);
        }

        Assert.All(endpoints.Where(e => TriggerFunctions.All.Any(f => e.RoutePattern.RawText == "/" + f.Name)), e => Assert.NotNull(e.Metadata.GetMetadata<IAllowAnonymous>()));
    }

    [Theory]
    [InlineData("0 */5 * * * *", "2026-01-01T10:02:30Z", "2026-01-01T10:05:00Z")]
    [InlineData("0 */5 * * * *", "2026-01-01T10:05:00Z", "2026-01-01T10:10:00Z")]
    [InlineData("0 * * * * *", "2026-01-01T23:59:59Z", "2026-01-02T00:00:00Z")]
    [InlineData("30 15 3 * * 1", "2026-01-01T00:00:00Z", "2026-01-05T03:15:30Z")]
    [InlineData("0 0 0 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z")]
    [InlineData("0 0,30 9-17/4 * * *", "2026-01-01T09:45:00Z", "2026-01-01T13:00:00Z")]
    public void Cron_schedules_find_the_next_occurrence(string schedule, string after, string expected)
    {
        var next = CronSchedule.Parse(schedule).Next(DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), next);
    }

    [Theory]
    [InlineData("* * * * *")]
    [InlineData("60 * * * * *")]
    [InlineData("0 */0 * * * *")]
    [InlineData("0 5-1 * * * *")]
    [InlineData("0 x * * * *")]
    public void Bad_cron_schedules_are_rejected(string schedule) =>
        Assert.Throws<FormatException>(() => CronSchedule.Parse(schedule));
}
