using CloudWg.EdgeAgent.Tests.Fixtures;
using CloudWg.Tests.Shared;

namespace CloudWg.EdgeAgent.Tests.Packaging;

public sealed class PackagingTests
{
    private static string PackagingDir => Path.Combine(Azurite.RepositoryRoot(), "edge-agent", "packaging");

    [Fact]
    public void Systemd_unit_is_hardened_and_keeps_tunnels_up_across_restarts()
    {
        var unit = File.ReadAllLines(Path.Combine(PackagingDir, "cloudwg-agent.service"))
            .Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .GroupBy(p => p[0])
            .ToDictionary(g => g.Key, g => g.Last()[1]);

        Assert.Equal("notify", unit["Type"]);
        Assert.Equal("cloudwg", unit["StateDirectory"]);
        Assert.Equal("0700", unit["StateDirectoryMode"]);
        Assert.Equal("CAP_NET_ADMIN", unit["CapabilityBoundingSet"]);
        Assert.Equal("strict", unit["ProtectSystem"]);
        Assert.Equal("yes", unit["NoNewPrivileges"]);
        Assert.Equal("process", unit["KillMode"]);
        Assert.Equal("/dev/net/tun rw", unit["DeviceAllow"]);
        Assert.Contains("run --state-dir /var/lib/cloudwg", unit["ExecStart"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_script_is_valid_posix_sh_and_refuses_missing_arguments()
    {
        var script = Path.Combine(PackagingDir, "install.sh");
        Assert.True((await Run.TryAsync("sh", "-n", script)).Succeeded);
        var result = await Run.TryAsync("sh", script, "--no-start");
        Assert.False(result.Succeeded);
        Assert.Contains("--control-url is required", result.StandardError, StringComparison.Ordinal);
        var unknown = await Run.TryAsync("sh", script, "--bogus");
        Assert.Contains("unknown option '--bogus'", unknown.StandardError, StringComparison.Ordinal);
    }
}
