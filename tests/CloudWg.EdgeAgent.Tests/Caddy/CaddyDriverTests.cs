using System.Text.Json.Nodes;
using CloudWg.EdgeAgent.Caddy;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Tests.Caddy;

/// <summary>
/// The owned-server reconciler against a real Caddy. Debian's Caddy has no layer4 app, so ownership, drift
/// and 412 handling are exercised on the http app's servers map (the same shape), and the layer4 driver is
/// checked for the clear error it must give on such a Caddy.
/// </summary>
public sealed class CaddyDriverTests : IAsyncLifetime
{
    private readonly int _operatorPort = CaddyProcess.FreePort();
    private readonly int _ownedPort = CaddyProcess.FreePort();
    private CaddyProcess _caddy = null!;

    public async ValueTask InitializeAsync() => _caddy = await CaddyProcess.StartAsync(new JsonObject
    {
        ["http"] = new JsonObject
        {
            ["servers"] = new JsonObject { ["operator"] = CaddyAdminClientTests.StaticServer(_operatorPort, "operator") },
        },
    });

    public async ValueTask DisposeAsync() => await _caddy.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private JsonObject Desired(string body) => new() { ["cloudwg-web"] = CaddyAdminClientTests.StaticServer(_ownedPort, body) };

    [Fact]
    public async Task Adds_its_servers_and_leaves_everything_else_alone()
    {
        var servers = new CaddyOwnedServers(_caddy.Client, "http");
        var before = await _caddy.Client.GetConfigAsync(cancellationToken: Ct);

        var report = await servers.ReconcileAsync(Desired("owned v1"), Ct);

        Assert.Equal(["http server cloudwg-web is missing"], report.Differences);
        Assert.Equal("owned v1", await CaddyProcess.HttpGetAsync(_ownedPort));
        Assert.Equal("operator", await CaddyProcess.HttpGetAsync(_operatorPort));
        var after = (await _caddy.Client.GetConfigAsync(cancellationToken: Ct)).Value!;
        Assert.True(JsonNode.DeepEquals(before.Value!["admin"], after["admin"]));
        Assert.True(JsonNode.DeepEquals(before.Value!["apps"]!["http"]!["servers"]!["operator"], after["apps"]!["http"]!["servers"]!["operator"]));
        Assert.False((await servers.CheckAsync(Desired("owned v1"), Ct)).HasDrift);
        Assert.False((await servers.ReconcileAsync(Desired("owned v1"), Ct)).HasDrift);
    }

    [Fact]
    public async Task A_hand_edit_is_reported_with_what_changed_and_corrected()
    {
        var servers = new CaddyOwnedServers(_caddy.Client, "http");
        await servers.ReconcileAsync(Desired("owned"), Ct);
        await _caddy.Client.ChangeConfigAsync(HttpMethod.Patch, "apps/http/servers/cloudwg-web/routes/0/handle/0/body", JsonValue.Create("hand edited"), null, Ct);
        await _caddy.Client.ChangeConfigAsync(HttpMethod.Post, "apps/http/servers/cloudwg-stray", CaddyAdminClientTests.StaticServer(CaddyProcess.FreePort(), "stray"), null, Ct);

        var drift = await servers.CheckAsync(Desired("owned"), Ct);
        var report = await servers.ReconcileAsync(Desired("owned"), Ct);

        Assert.Equal(drift.Differences, report.Differences);
        Assert.Contains("http server cloudwg-web was modified: routes[0].handle[0].body: want \"owned\", have \"hand edited\"", report.Differences);
        Assert.Contains("unexpected http server cloudwg-stray", report.Differences);
        Assert.Equal("owned", await CaddyProcess.HttpGetAsync(_ownedPort));
        Assert.Null((await _caddy.Client.GetConfigAsync("apps/http/servers/cloudwg-stray", Ct)).Value);
        Assert.Equal("operator", await CaddyProcess.HttpGetAsync(_operatorPort));
    }

    [Fact]
    public async Task A_concurrent_change_makes_caddy_answer_412_and_the_write_is_recomputed()
    {
        var servers = new CaddyOwnedServers(_caddy.Client, "http")
        {
            BeforeWrite = async (attempt, ct) =>
            {
                if (attempt == 1)
                {
                    // Someone else edits the operator's server between our read and our write.
                    await _caddy.Client.ChangeConfigAsync(HttpMethod.Patch, "apps/http/servers/operator/routes/0/handle/0/body", JsonValue.Create("operator v2"), null, ct);
                }
            },
        };
        var attempts = 0;
        var inner = servers.BeforeWrite;
        servers.BeforeWrite = (attempt, ct) =>
        {
            attempts = attempt;
            return inner(attempt, ct);
        };

        await servers.ReconcileAsync(Desired("owned"), Ct);

        Assert.Equal(2, attempts);
        Assert.Equal("owned", await CaddyProcess.HttpGetAsync(_ownedPort));
        Assert.Equal("operator v2", await CaddyProcess.HttpGetAsync(_operatorPort));
    }

    [Fact]
    public async Task Removing_all_routes_removes_only_owned_servers()
    {
        var servers = new CaddyOwnedServers(_caddy.Client, "http");
        await servers.ReconcileAsync(Desired("owned"), Ct);

        var report = await servers.ReconcileAsync([], Ct);

        Assert.Equal(["unexpected http server cloudwg-web"], report.Differences);
        var left = (await _caddy.Client.GetConfigAsync("apps/http/servers", Ct)).Value!.AsObject();
        Assert.Equal(["operator"], left.Select(p => p.Key));
    }

    [Fact]
    public async Task The_layer4_driver_reports_a_caddy_without_layer4_clearly_and_changes_nothing()
    {
        var driver = new CaddyL4Driver(_caddy.Client);
        var before = await _caddy.Client.GetConfigAsync(cancellationToken: Ct);

        var drift = await driver.CheckDriftAsync(CaddyL4RendererTests.SampleSpec(), Ct);
        var error = await Assert.ThrowsAsync<CaddyL4UnavailableException>(() => driver.ApplyAsync(CaddyL4RendererTests.SampleSpec(), Ct));

        Assert.Contains("layer4 server cloudwg-443 is missing", drift.Differences);
        Assert.Contains("has no layer4 app", error.Message, StringComparison.Ordinal);
        Assert.Contains("unknown module: layer4", error.Message, StringComparison.Ordinal);
        var after = await _caddy.Client.GetConfigAsync(cancellationToken: Ct);
        Assert.Equal(before.ETag, after.ETag);
        Assert.Equal("operator", await CaddyProcess.HttpGetAsync(_operatorPort));
    }

    [Fact]
    public async Task A_route_on_a_port_the_http_app_listens_on_is_refused_with_the_reason_and_nothing_changes()
    {
        var driver = new CaddyL4Driver(_caddy.Client);
        var before = await _caddy.Client.GetConfigAsync(cancellationToken: Ct);
        var clash = new L4Spec([new L4Server($":{_operatorPort}", [new L4Route("app", ["app.example.com"], "10.44.0.7:443", null)])]);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => driver.ApplyAsync(clash, Ct));

        Assert.Contains("http server 'operator' already listens on", error.Message, StringComparison.Ordinal);
        Assert.Contains("layer4 listener wrapper", error.Message, StringComparison.Ordinal);
        Assert.Equal(before.ETag, (await _caddy.Client.GetConfigAsync(cancellationToken: Ct)).ETag);
        Assert.Equal("operator", await CaddyProcess.HttpGetAsync(_operatorPort));
    }

    [Fact]
    public async Task The_layer4_driver_with_no_routes_does_not_need_layer4()
    {
        var driver = new CaddyL4Driver(_caddy.Client);

        var report = await driver.ApplyAsync(new L4Spec([]), Ct);

        Assert.False(report.HasDrift);
        Assert.Null((await _caddy.Client.GetConfigAsync("apps/layer4", Ct)).Value);
    }

    [Fact]
    public async Task As_a_reconciler_driver_it_fails_the_pass_clearly_on_a_caddy_without_layer4()
    {
        var driver = new CaddyL4DataPlaneDriver(_caddy.Client);
        var state = new DesiredState(1, "node-1", 1, DateTimeOffset.UnixEpoch,
            new WireGuardSpec("wg0", 51820, ["10.44.0.1/24"], 1420, []), CaddyL4RendererTests.SampleSpec(),
            new FirewallSpec(new FirewallPolicies(FirewallAction.Accept, FirewallAction.Accept, FirewallAction.Accept), []));

        var result = await driver.ReconcileAsync(state, Ct);
        var empty = await driver.ReconcileAsync(state with { L4 = new L4Spec([]) }, Ct);

        Assert.False(result.Succeeded);
        Assert.Contains("has no layer4 app", result.Error, StringComparison.Ordinal);
        Assert.True(empty.Succeeded);
        Assert.Empty(empty.Changes);
    }

    [Fact]
    public async Task As_a_reconciler_driver_it_needs_no_caddy_when_there_are_no_routes()
    {
        using var unreachable = new CaddyAdminClient($"unix/{_caddy.Directory}/nothing.sock");
        var driver = new CaddyL4DataPlaneDriver(unreachable);
        var state = new DesiredState(1, "node-1", 1, DateTimeOffset.UnixEpoch,
            new WireGuardSpec("wg0", 51820, ["10.44.0.1/24"], 1420, []), new L4Spec([]),
            new FirewallSpec(new FirewallPolicies(FirewallAction.Accept, FirewallAction.Accept, FirewallAction.Accept), []));

        var result = await driver.ReconcileAsync(state, Ct);
        var withRoutes = await driver.ReconcileAsync(state with { L4 = CaddyL4RendererTests.SampleSpec() }, Ct);

        Assert.True(result.Succeeded);
        Assert.False(withRoutes.Succeeded);
        Assert.Contains("is unreachable", withRoutes.Error, StringComparison.Ordinal);
    }
}
