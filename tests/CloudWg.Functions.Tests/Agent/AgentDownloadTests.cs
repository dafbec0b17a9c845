using System.Net;
using CloudWg.Functions.Agent;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.Agent;

/// <summary>What the enrollment page's install command fetches: the script and the agent tarball, anonymously.</summary>
public sealed class AgentDownloadTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_install_script_is_the_agents_packaging_script_and_downloads_from_this_control_plane()
    {
        await using var app = new CloudWgApp(azurite.ConnectionString);
        using var client = app.CreateClient();

        var response = await client.GetAsync("/api/agent/install.sh", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var script = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(Azurite.RepositoryRoot(), "edge-agent", "packaging", "install.sh"), Ct), script);
        Assert.Contains("/api/agent/downloads/" + AgentDownloadEndpoints.TarballName, script);
    }

    [Fact]
    public async Task The_tarball_is_served_when_built_and_a_clear_404_otherwise()
    {
        var directory = Directory.CreateTempSubdirectory("cloudwg-downloads-").FullName;
        await using var app = new CloudWgApp(azurite.ConnectionString, new Dictionary<string, string?> { ["CloudWg:AgentDownloads:Directory"] = directory });
        using var client = app.CreateClient();

        var missing = await client.GetAsync("/api/agent/downloads/" + AgentDownloadEndpoints.TarballName, Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("make package-agent", await missing.Content.ReadAsStringAsync(Ct));

        byte[] tarball = [0x1f, 0x8b, 8, 0, 1, 2, 3];
        await File.WriteAllBytesAsync(Path.Combine(directory, AgentDownloadEndpoints.TarballName), tarball, Ct);
        var found = await client.GetAsync("/api/agent/downloads/" + AgentDownloadEndpoints.TarballName, Ct);
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal(tarball, await found.Content.ReadAsByteArrayAsync(Ct));

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/agent/downloads/..%2F..%2Fetc%2Fpasswd", Ct)).StatusCode);
        Directory.Delete(directory, recursive: true);
    }
}
