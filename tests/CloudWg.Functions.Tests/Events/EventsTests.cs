using System.Net;
using System.Text.Json.Nodes;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.Events;

/// <summary>GET /api/events: a change made through one instance reaches a stream held open on another.</summary>
public sealed class EventsTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_change_on_one_instance_arrives_as_a_change_event_on_another_instances_stream()
    {
        var prefix = Azurite.NewPrefix();
        var shared = new Dictionary<string, string?> { ["CloudWg:Storage:Prefix"] = prefix, ["CloudWg:Events:PollInterval"] = "00:00:00.200" };
        await using var writerInstance = await FleetApp.StartAsync(azurite, settings: shared);
        await using var readerInstance = await FleetApp.StartAsync(azurite, settings: shared);
        using var viewer = readerInstance.Client(Roles.Viewer, "vera");
        using var admin = writerInstance.Client(Roles.Admin, "alice");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/events");
        using var response = await viewer.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));

        var node = await admin.CreateNodeAsync();
        var nodeId = (string)node["id"]!;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var (id, data) = await NextChangeAsync(reader, e => (string?)e["nodeId"] == nodeId, timeout.Token);
        Assert.False(string.IsNullOrEmpty(id));
        Assert.Equal("node", (string?)data["resourceType"]);
        Assert.Equal(nodeId, (string?)data["id"]);
        Assert.Equal("created", (string?)data["action"]);
    }

    [Fact]
    public async Task The_stream_needs_a_signed_in_caller()
    {
        await using var app = await FleetApp.StartAsync(azurite);
        using var anonymous = app.Anonymous();
        var response = await anonymous.GetAsync("/api/events", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static async Task<(string Id, JsonObject Data)> NextChangeAsync(StreamReader reader, Func<JsonObject, bool> match, CancellationToken cancellationToken)
    {
        string? id = null, type = null, data = null;
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException("The event stream ended.");
            if (line.Length == 0)
            {
                if (type == "change" && data is not null && JsonNode.Parse(data) is JsonObject parsed && match(parsed))
                {
                    return (id!, parsed);
                }

                (id, type, data) = (null, null, null);
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
        }
    }
}
