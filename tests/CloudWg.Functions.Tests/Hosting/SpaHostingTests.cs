using System.Net;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.Hosting;

public sealed class SpaHostingTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Serves_built_files_as_themselves_client_routes_as_index_html_and_never_shadows_the_api()
    {
        var ct = TestContext.Current.CancellationToken;
        var dist = Directory.CreateTempSubdirectory("cloudwg-spa-").FullName;
        Directory.CreateDirectory(Path.Combine(dist, "assets"));
        await File.WriteAllTextAsync(Path.Combine(dist, "index.html"), "<!doctype html><title>CloudWg</title>", ct);
        await File.WriteAllTextAsync(Path.Combine(dist, "assets", "app-1234.js"), "console.log('cloudwg')", ct);
        await using var app = new CloudWgApp(azurite.ConnectionString, new Dictionary<string, string?> { ["CloudWg:SpaDirectory"] = dist });
        using var client = app.CreateClient();

        var script = await client.GetAsync("/assets/app-1234.js", ct);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Equal("console.log('cloudwg')", await script.Content.ReadAsStringAsync(ct));
        Assert.Contains("immutable", script.Headers.CacheControl?.ToString());

        foreach (var route in new[] { "/", "/nodes/n123/peers", "/login?next=%2Fnodes" })
        {
            var page = await client.GetAsync(route, ct);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("<title>CloudWg</title>", await page.Content.ReadAsStringAsync(ct));
        }

        var api = await client.GetAsync("/api/no-such-thing", ct);
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.DoesNotContain("<title>", await api.Content.ReadAsStringAsync(ct));
        Directory.Delete(dist, recursive: true);
    }
}
