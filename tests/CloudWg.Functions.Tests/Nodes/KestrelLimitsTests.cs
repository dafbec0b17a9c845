using System.Net;
using System.Text;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.Nodes;

/// <summary>The 1 MiB limit through real Kestrel (not the in-memory test server), for a declared and a chunked body.</summary>
public sealed class KestrelLimitsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Kestrel_answers_oversized_bodies_with_413_problem_json()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await FleetApp.StartAsync(azurite, settings: new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0" }, kestrel: true);
        using var client = app.Client();
        Assert.StartsWith("http://127.0.0.1:", client.BaseAddress!.ToString());
        var big = "{\"name\":\"" + new string('a', 2 * 1024 * 1024) + "\"}";

        var declared = await client.PostAsync("/api/nodes", Api.RawJson(big), ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.True(declared.IsProblem());

        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new("application/json");
        var streamed = await client.PostAsync("/api/nodes", chunked, ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        Assert.True(streamed.IsProblem());

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/nodes", Api.Json(new { name = "fits", endpoint = "vpn.example.com", ipv4Network = "10.44.0.0/24" }), ct)).StatusCode);
    }
}
