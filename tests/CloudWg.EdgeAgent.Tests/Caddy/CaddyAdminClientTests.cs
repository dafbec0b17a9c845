using System.Net;
using System.Text.Json.Nodes;
using CloudWg.EdgeAgent.Caddy;

namespace CloudWg.EdgeAgent.Tests.Caddy;

/// <summary>Admin-API mechanics against a real Caddy over its unix socket, using the http app it ships with.</summary>
public sealed class CaddyAdminClientTests : IAsyncLifetime
{
    private readonly int _port = CaddyProcess.FreePort();
    private CaddyProcess _caddy = null!;

    public async ValueTask InitializeAsync() => _caddy = await CaddyProcess.StartAsync(new JsonObject
    {
        ["http"] = new JsonObject { ["servers"] = new JsonObject { ["operator"] = StaticServer(_port, "operator says hi") } },
    });

    public async ValueTask DisposeAsync() => await _caddy.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static JsonObject StaticServer(int port, string body) => new()
    {
        ["listen"] = new JsonArray($"127.0.0.1:{port}"),
        ["routes"] = new JsonArray((JsonNode)new JsonObject
        {
            ["handle"] = new JsonArray((JsonNode)new JsonObject { ["handler"] = "static_response", ["body"] = body }),
        }),
    };

    [Fact]
    public async Task Reads_the_config_and_its_etag_over_the_unix_socket()
    {
        var config = await _caddy.Client.GetConfigAsync(cancellationToken: Ct);

        Assert.Equal(_caddy.AdminAddress, (string?)config.Value?["admin"]?["listen"]);
        Assert.Equal("operator says hi", (string?)config.Value?["apps"]?["http"]?["servers"]?["operator"]?["routes"]?[0]?["handle"]?[0]?["body"]);
        Assert.Matches("^\"/config/ [0-9a-f]+\"$", config.ETag);
    }

    [Fact]
    public async Task A_missing_path_reads_as_null()
    {
        var config = await _caddy.Client.GetConfigAsync("apps/layer4", Ct);

        Assert.Null(config.Value);
    }

    [Fact]
    public async Task A_write_with_the_current_etag_applies()
    {
        var before = await _caddy.Client.GetConfigAsync(cancellationToken: Ct);

        await _caddy.Client.ChangeConfigAsync(HttpMethod.Patch, "apps/http/servers/operator/routes/0/handle/0/body", JsonValue.Create("changed"), before.ETag, Ct);

        Assert.Equal("changed", await CaddyProcess.HttpGetAsync(_port));
        Assert.NotEqual(before.ETag, (await _caddy.Client.GetConfigAsync(cancellationToken: Ct)).ETag);
    }

    [Fact]
    public async Task A_stale_etag_is_refused_with_412_and_changes_nothing()
    {
        var stale = await _caddy.Client.GetConfigAsync(cancellationToken: Ct);
        await _caddy.Client.ChangeConfigAsync(HttpMethod.Patch, "apps/http/servers/operator/routes/0/handle/0/body", JsonValue.Create("someone else"), null, Ct);
        var current = await _caddy.Client.GetConfigAsync(cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<CaddyAdminException>(() => _caddy.Client.ChangeConfigAsync(
            HttpMethod.Patch, "apps/http/servers/operator/routes/0/handle/0/body", JsonValue.Create("mine"), stale.ETag, Ct));

        Assert.True(error.IsPreconditionFailed, error.Message);
        Assert.Equal(current.ETag, (await _caddy.Client.GetConfigAsync(cancellationToken: Ct)).ETag);
        Assert.Equal("someone else", await CaddyProcess.HttpGetAsync(_port));
    }

    [Fact]
    public async Task A_config_caddy_cannot_load_is_refused_with_its_message_and_rolled_back()
    {
        var before = await _caddy.Client.GetConfigAsync(cancellationToken: Ct);
        var bad = new JsonObject { ["handler"] = "no_such_handler" };

        var error = await Assert.ThrowsAsync<CaddyAdminException>(() => _caddy.Client.ChangeConfigAsync(
            HttpMethod.Post, "apps/http/servers/operator/routes/0/handle", bad, before.ETag, Ct));

        Assert.Contains("unknown module: http.handlers.no_such_handler", error.CaddyMessage, StringComparison.Ordinal);
        Assert.True(error.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.InternalServerError, $"status {error.StatusCode}");
        var after = await _caddy.Client.GetConfigAsync(cancellationToken: Ct);
        Assert.Equal(before.ETag, after.ETag);
        Assert.True(JsonNode.DeepEquals(before.Value, after.Value));
        Assert.Equal("operator says hi", await CaddyProcess.HttpGetAsync(_port));
    }

    [Fact]
    public async Task Malformed_json_is_refused_with_caddys_message()
    {
        var error = await Assert.ThrowsAsync<CaddyAdminException>(() => _caddy.Client.ChangeConfigAsync(
            HttpMethod.Post, "apps/http/servers/x", JsonValue.Create(42), null, Ct));

        Assert.NotEmpty(error.CaddyMessage);
        Assert.Null((await _caddy.Client.GetConfigAsync("apps/http/servers/x", Ct)).Value);
    }

    [Fact]
    public async Task Load_keeps_the_running_admin_block()
    {
        var port = CaddyProcess.FreePort();
        var config = new JsonObject
        {
            ["apps"] = new JsonObject { ["http"] = new JsonObject { ["servers"] = new JsonObject { ["new"] = StaticServer(port, "loaded") } } },
        };

        await _caddy.Client.LoadAsync(config, Ct);

        var after = await _caddy.Client.GetConfigAsync(cancellationToken: Ct);
        Assert.Equal(_caddy.AdminAddress, (string?)after.Value?["admin"]?["listen"]);
        Assert.Equal("loaded", await CaddyProcess.HttpGetAsync(port));
    }

    [Fact]
    public async Task An_unreachable_socket_is_a_clear_error()
    {
        using var client = new CaddyAdminClient($"unix/{_caddy.Directory}/nothing.sock");

        var error = await Assert.ThrowsAsync<CaddyAdminException>(() => client.GetConfigAsync(cancellationToken: Ct));

        Assert.Contains("is unreachable", error.Message, StringComparison.Ordinal);
    }
}
