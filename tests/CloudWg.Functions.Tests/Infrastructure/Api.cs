using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CloudWg.Functions.Tests.Infrastructure;

/// <summary>Small HTTP helpers for API tests: JSON in, JSON out, If-Match.</summary>
public static class Api
{
    public static readonly string ValidKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    /// <summary>A fresh random WireGuard-shaped public key.</summary>
    public static string NewKey() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    public static StringContent RawJson(string body) => new(body, Encoding.UTF8, "application/json");

    public static async Task<JsonObject> ReadObjectAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) as JsonObject ?? throw new InvalidOperationException($"Not a JSON object: {text}");
    }

    public static async Task<JsonObject> CreateAsync(this HttpClient client, string path, object body)
    {
        var response = await client.PostAsync(path, Json(body));
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"POST {path} gave {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return await response.ReadObjectAsync();
    }

    public static async Task<JsonObject> CreateNodeAsync(this HttpClient client, string network = "10.44.0.0/24", string? ipv6 = null)
    {
        object body = ipv6 is null
            ? new { name = "edge-1", endpoint = "vpn.example.com", ipv4Network = network }
            : new { name = "edge-1", endpoint = "vpn.example.com", ipv4Network = network, ipv6Network = ipv6 };
        return await client.CreateAsync("/api/nodes", body);
    }

    public static async Task<JsonObject> CreatePeerAsync(this HttpClient client, string nodeId, string? name = null, string? key = null) =>
        await client.CreateAsync($"/api/nodes/{nodeId}/peers", new { name = name ?? "laptop", publicKey = key ?? NewKey() });

    public static async Task<HttpResponseMessage> PatchAsync(this HttpClient client, string path, object body, string? etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, path) { Content = Json(body) };
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> DeleteAsync(this HttpClient client, string path, string? etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, path);
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return await client.SendAsync(request);
    }

    public static string Str(this JsonObject o, string name) => o[name]!.GetValue<string>();

    public static bool IsProblem(this HttpResponseMessage response) =>
        response.Content.Headers.ContentType is MediaTypeHeaderValue { MediaType: "application/problem+json" };
}
