using System.Net;
using System.Net.Http.Json;
using CloudWg.Functions.Health;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.Health;

public sealed class HealthTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Healthy_when_table_queue_and_blob_storage_answer()
    {
        await using var app = new CloudWgApp(azurite.ConnectionString);
        using var client = app.CreateClient();

        var response = await client.GetAsync("/api/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<HealthReport>(TestContext.Current.CancellationToken);
        Assert.Equal("healthy", report!.Status);
        Assert.Empty(report.Failing);
        Assert.All(report.Checks.Values, c => Assert.Equal("ok", c.Status));
    }

    [Fact]
    public async Task Unreachable_storage_gives_503_naming_every_part_without_crashing()
    {
        // Nothing listens on port 9 (discard) on loopback: connections are refused at once.
        await using var app = new CloudWgApp(Azurite.ConnectionStringFor(9, 9, 9));
        using var client = app.CreateClient();

        var response = await client.GetAsync("/api/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<HealthReport>(TestContext.Current.CancellationToken);
        Assert.Equal("unhealthy", report!.Status);
        Assert.Equal(["table", "queue", "blob"], report.Failing);
        Assert.All(report.Checks.Values, c => Assert.Contains("storage", c.Detail));
        Assert.DoesNotContain(Azurite.AccountKey, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Recovers_when_storage_comes_back()
    {
        var ct = TestContext.Current.CancellationToken;
        var storage = await Azurite.StartPrivateAsync();
        var ports = (storage.BlobPort, storage.QueuePort, storage.TablePort);
        await using var app = new CloudWgApp(storage.ConnectionString);
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/health", ct)).StatusCode);

        await storage.DisposeAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/api/health", ct)).StatusCode);

        await using var restarted = await Azurite.StartPrivateAsync(ports);
        // The restarted emulator is empty (in-memory); health must still report reachability, not crash.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/health", ct)).StatusCode);
    }
}
