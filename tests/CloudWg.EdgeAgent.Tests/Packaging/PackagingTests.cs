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
        // /proc/sys is read-only but for the two forwarding switches the agent owns.
        Assert.Equal("yes", unit["ProtectKernelTunables"]);
        Assert.Equal(["/run/wireguard", "/proc/sys/net/ipv4/ip_forward", "-/proc/sys/net/ipv6/conf/all/forwarding", "-/etc/haproxy/cloudwg.cfg"], unit["ReadWritePaths"].Split(' '));
    }

    [Fact]
    public async Task Systemd_accepts_the_unit()
    {
        if ((await Run.TryAsync("sh", "-c", "command -v systemd-analyze")).Succeeded is false)
        {
            Assert.Skip("systemd-analyze is not installed here");
        }

        // verify checks every directive; the binary path is swapped for one that exists on this machine.
        using var dir = new TempDirectory();
        var copy = Path.Combine(dir.Path, "cloudwg-agent.service");
        await File.WriteAllTextAsync(copy, (await File.ReadAllTextAsync(Path.Combine(PackagingDir, "cloudwg-agent.service"), TestContext.Current.CancellationToken))
            .Replace("/usr/lib/cloudwg/cloudwg-agent", "/bin/true", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var result = await Run.TryAsync("systemd-analyze", "verify", copy);

        Assert.True(result.Succeeded, result.StandardError);
        Assert.Equal("", result.StandardError.Trim());
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
