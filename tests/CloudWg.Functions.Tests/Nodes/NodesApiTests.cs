using System.Net;
using System.Text;
using CloudWg.Functions.Audit;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Changes;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.Nodes;

public sealed class NodesApiTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Create_get_patch_delete_round_trip_with_etags_defaults_and_camel_case()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client();

        var created = await client.PostAsync("/api/nodes", Api.Json(new { name = "edge-1", endpoint = "vpn.example.com", ipv4Network = "10.44.0.0/24" }), ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var node = await created.ReadObjectAsync();
        var id = node.Str("id");
        Assert.Equal($"/api/nodes/{id}", created.Headers.Location!.OriginalString);
        Assert.Equal(node.Str("etag"), created.Headers.ETag!.ToString());
        Assert.Equal(51820, (int)node["listenPort"]!);
        Assert.Equal(1420, (int)node["mtu"]!);
        Assert.Equal(25, (int)node["persistentKeepalive"]!);
        Assert.Equal(":443", (string)node["l4Listen"]![0]!);
        Assert.Equal("accept", (string)node["firewallPolicy"]!["input"]!);
        Assert.Equal("pending", node.Str("status"));
        Assert.True((long)node["desiredVersion"]! >= 1, "creating a node publishes its first desired state");
        Assert.NotNull(node["createdAt"]);
        Assert.NotNull(node["updatedAt"]);

        var fetched = await client.GetAsync($"/api/nodes/{id}", ct);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal(node.Str("etag"), fetched.Headers.ETag!.ToString());

        var patched = await client.PatchAsync($"/api/nodes/{id}", new { mtu = 1380, dns = new[] { "1.1.1.1" } }, node.Str("etag"));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var after = await patched.ReadObjectAsync();
        Assert.Equal(1380, (int)after["mtu"]!);
        Assert.Equal("edge-1", after.Str("name"));
        Assert.NotEqual(node.Str("etag"), after.Str("etag"));

        var stale = await client.DeleteAsync($"/api/nodes/{id}", node.Str("etag"));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.True(stale.IsProblem());

        var deleted = await client.DeleteAsync($"/api/nodes/{id}", after.Str("etag"));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/nodes/{id}", ct)).StatusCode);
        Assert.False(await app.Storage.Queues.GetQueueClient(app.Storage.Names.NodeQueue(id)).ExistsAsync(ct), "deleting a node deletes its queue");
    }

    [Fact]
    public async Task Egress_is_chosen_at_creation_compiled_into_the_desired_state_and_peers_are_isolated_by_default()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client();

        var plain = await (await client.PostAsync("/api/nodes", Api.Json(new { name = "inner", endpoint = "vpn.example.com", ipv4Network = "10.44.0.0/24" }), ct)).ReadObjectAsync();
        Assert.False((bool)plain["egress"]!);
        Assert.Null(plain["egressInterface"]);
        Assert.Equal("drop", (string)plain["firewallPolicy"]!["forward"]!);
        Assert.Equal("accept", (string)plain["firewallPolicy"]!["egress"]!);

        var exit = await client.PostAsync("/api/nodes", Api.Json(new { name = "exit", endpoint = "vpn2.example.com", ipv4Network = "10.45.0.0/24", egress = true, egressInterface = "ens3" }), ct);
        Assert.Equal(HttpStatusCode.Created, exit.StatusCode);
        var node = await exit.ReadObjectAsync();
        Assert.True((bool)node["egress"]!);
        Assert.Equal("ens3", node.Str("egressInterface"));
        var preview = await (await client.GetAsync($"/api/nodes/{node.Str("id")}/desired-state", ct)).ReadObjectAsync();
        Assert.True((bool)preview["desiredState"]!["routing"]!["egress"]!, preview.ToJsonString());
        Assert.Equal("ens3", (string)preview["desiredState"]!["routing"]!["egressInterface"]!);

        // Turned off later, and the interface back to the default route's.
        var patched = await (await client.PatchAsync($"/api/nodes/{node.Str("id")}", new { egress = false, egressInterface = (string?)null }, node.Str("etag"))).ReadObjectAsync();
        Assert.False((bool)patched["egress"]!);
        Assert.Null(patched["egressInterface"]);
    }

    [Theory]
    [InlineData("eth0 ", "egressInterface")]
    [InlineData("cloudwg0", "egressInterface")]
    [InlineData("a-name-longer-than-15", "egressInterface")]
    public async Task A_bad_egress_interface_is_a_400_naming_the_field(string egressInterface, string field)
    {
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client();

        var response = await client.PostAsync("/api/nodes", Api.Json(new { name = "x", endpoint = "vpn.example.com", ipv4Network = "10.44.0.0/24", egress = true, egressInterface }), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.ReadObjectAsync())["errors"]![field]);
    }

    [Fact]
    public async Task Patch_and_delete_need_if_match_428_and_unknown_ids_are_404_problems()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client();
        var node = await client.CreateNodeAsync();
        var id = node.Str("id");

        var noIfMatch = await client.PatchAsync($"/api/nodes/{id}", new { mtu = 1400 }, etag: null);
        Assert.Equal(HttpStatusCode.PreconditionRequired, noIfMatch.StatusCode);
        Assert.True(noIfMatch.IsProblem());
        Assert.Contains("If-Match", (await noIfMatch.ReadObjectAsync()).Str("detail"));
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await client.DeleteAsync($"/api/nodes/{id}", etag: null)).StatusCode);

        foreach (var path in new[] { "/api/nodes/nzzzzzzzzzzzz", "/api/nodes/not-an-id", "/api/peers/nothing", $"/api/peers/{id}-paaaaaaaaaaaa", "/api/routes/x", "/api/firewall-rules/x" })
        {
            var response = await client.GetAsync(path, ct);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.True(response.IsProblem(), path);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await client.PatchAsync("/api/nodes/nzzzzzzzzzzzz", new { mtu = 1400 }, "\"x\"")).StatusCode);
    }

    [Fact]
    public async Task Wrong_content_type_is_415_and_malformed_json_is_400_both_problem_json()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client();

        var text = await client.PostAsync("/api/nodes", new StringContent("name=edge", Encoding.UTF8, "application/x-www-form-urlencoded"), ct);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.True(text.IsProblem());

        var none = await client.PostAsync("/api/nodes", new ByteArrayContent("{}"u8.ToArray()), ct);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, none.StatusCode);

        foreach (var body in new[] { "{", "[]", "\"x\"", "null", "{\"name\": }", "" })
        {
            var response = await client.PostAsync("/api/nodes", Api.RawJson(body), ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True(response.IsProblem(), body);
        }
    }

    [Fact]
    public async Task Bodies_over_one_mebibyte_are_413_problem_json()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client();
        var big = "{\"name\":\"" + new string('a', 1024 * 1024) + "\"}";

        var response = await client.PostAsync("/api/nodes", Api.RawJson(big), ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.True(response.IsProblem());

        // Chunked (no Content-Length): the limit holds while reading.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new("application/json");
        var streamed = await client.PostAsync("/api/nodes", chunked, ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        Assert.True(streamed.IsProblem());
    }

    [Fact]
    public async Task Unknown_fields_and_duplicates_are_named_in_errors()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client();

        var response = await client.PostAsync("/api/nodes", Api.RawJson("""{"name":"a","name":"b","endpoint":"vpn.example.com","ipv4Network":"10.44.0.0/24","listenPorts":1}"""), ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ReadObjectAsync())["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("name"));
        Assert.True(errors.ContainsKey("listenPorts"));
    }

    [Fact]
    public async Task Every_fleet_endpoint_needs_a_user_and_writes_need_admin()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var admin = app.Client();
        var node = await admin.CreateNodeAsync();
        using var anonymous = app.Anonymous();
        using var viewer = app.Client(Roles.Viewer, "victor");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/nodes", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/nodes", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/api/nodes", Api.Json(new { name = "x" }), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync($"/api/nodes/{node.Str("id")}/peers", Api.Json(new { name = "x" }), ct)).StatusCode);
    }

    [Fact]
    public async Task Mutations_are_audited_with_actor_address_and_versions_and_appear_in_the_change_feed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client(user: "auditor-alice");
        var node = await client.CreateNodeAsync();
        var id = node.Str("id");
        var patched = await (await client.PatchAsync($"/api/nodes/{id}", new { name = "renamed" }, node.Str("etag"))).ReadObjectAsync();

        var audit = await app.Get<IAuditLog>().ListAsync(50, null, new AuditFilter(ResourceType: ChangeActions.Node), ct);
        var update = Assert.Single(audit.Items, e => e.Event.Action == "node.update");
        Assert.Equal("auditor-alice", update.Event.Actor);
        Assert.Equal(id, update.Event.ResourceId);
        Assert.Equal(node.Str("etag"), update.Event.VersionBefore);
        Assert.Equal(patched.Str("etag"), update.Event.VersionAfter);
        Assert.Single(audit.Items, e => e.Event.Action == "node.create");

        var feed = await app.Get<ChangeFeed>().ReadAsync(null, DateTimeOffset.UtcNow.AddMinutes(-5), 100, ct);
        Assert.Equal([ChangeActions.Created, ChangeActions.Updated], feed.Where(e => e.Id == id).Select(e => e.Action));
        Assert.All(feed, e => Assert.Equal(id, e.NodeId));
    }

    [Fact]
    public async Task Networks_cannot_change_while_peers_hold_addresses()
    {
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Client();
        var node = await client.CreateNodeAsync();
        await client.CreatePeerAsync(node.Str("id"));

        var response = await client.PatchAsync($"/api/nodes/{node.Str("id")}", new { ipv4Network = "10.45.0.0/24" }, node.Str("etag"));
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.True(response.IsProblem());
    }
}
