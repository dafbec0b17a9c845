using System.Net;
using System.Text.Json.Nodes;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.OpenApi;

public sealed class OpenApiTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task The_document_describes_the_fleet_api_and_not_the_trigger_endpoints()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite);
        using var client = app.Anonymous();

        var response = await client.GetAsync("/api/openapi.json", ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        foreach (var expected in new[] { "/api/nodes", "/api/nodes/{id}", "/api/nodes/{id}/desired-state", "/api/nodes/{nodeId}/peers", "/api/peers/{id}", "/api/nodes/{nodeId}/routes", "/api/routes/{id}", "/api/nodes/{nodeId}/firewall-rules", "/api/firewall-rules/{id}" })
        {
            Assert.Contains(expected, paths);
        }

        Assert.DoesNotContain("/Republish", paths);
        Assert.NotNull(document["paths"]!["/api/nodes/{nodeId}/peers"]!["post"]!["requestBody"]);
        Assert.Contains("publicKey", document["components"]!.ToJsonString());
    }
}
