using System.Net;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.Nodes;

/// <summary>
/// The 1 MiB limit through real Kestrel (not the in-memory test server). The client asks with
/// <c>Expect: 100-continue</c>, as a well-behaved client sending a large body does, so it reads the 413 instead of
/// having its upload cut off; chunked bodies over the limit are covered through the test server
/// (<see cref="NodesApiTests"/>), because a server that stops reading mid-upload closes the connection under the
/// sender, and whether the sender still sees the response is then a race in the client.
/// </summary>
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

        // A patient client: under load the default 1 s wait for 100 Continue can run out and the upload starts anyway.
        using var patient = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(60) }) { BaseAddress = client.BaseAddress };
        foreach (var header in client.DefaultRequestHeaders)
        {
            patient.DefaultRequestHeaders.TryAddWithoutValidation(header.Key, header.Value);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/nodes") { Content = Api.RawJson(big) };
        request.Headers.ExpectContinue = true;
        var declared = await patient.SendAsync(request, ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.True(declared.IsProblem());
        Assert.Contains("1 MiB", (await declared.ReadObjectAsync()).Str("detail"));

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/nodes", Api.Json(new { name = "fits", endpoint = "vpn.example.com", ipv4Network = "10.44.0.0/24" }), ct)).StatusCode);
    }
}
