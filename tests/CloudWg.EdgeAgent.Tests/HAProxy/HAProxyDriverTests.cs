using CloudWg.EdgeAgent.HAProxy;
using CloudWg.EdgeAgent.Tests.Fixtures;

namespace CloudWg.EdgeAgent.Tests.HAProxy;

/// <summary>The driver against the real <c>haproxy -c</c>: a configuration HAProxy would refuse never replaces the good one.</summary>
public sealed class HAProxyDriverTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task A_file_haproxy_refuses_keeps_the_last_good_one_and_fails_the_pass_with_haproxys_reason()
    {
        if (!(await Run.TryAsync("sh", "-c", "command -v haproxy")).Succeeded)
        {
            Assert.Skip("haproxy is not installed (make test installs it as root)");
        }

        // The operator's file already has a frontend of the name the agent would use: together they are invalid.
        var operatorFile = Path.Combine(dir.Path, "haproxy.cfg");
        await File.WriteAllTextAsync(operatorFile, "frontend cloudwg-443\n    mode tcp\n    bind :10443\n    timeout client 1m\n", TestContext.Current.CancellationToken);
        var own = Path.Combine(dir.Path, "cloudwg.cfg");
        await File.WriteAllTextAsync(own, "# last good\n", TestContext.Current.CancellationToken);
        var driver = new HAProxyDriver(new HAProxyOptions { ConfigFile = own, ValidateWith = [operatorFile], MasterSocket = Path.Combine(dir.Path, "none.sock") });
        var desired = TestStates.Node("n1", 1, "wg0", []) with { L4 = HAProxyRendererTests.Sample() };

        var result = await driver.ReconcileAsync(desired, TestContext.Current.CancellationToken);

        Assert.False(result.Succeeded);
        Assert.Contains("haproxy -c refused the new configuration", result.Error, StringComparison.Ordinal);
        Assert.Contains("cloudwg-443", result.Error, StringComparison.Ordinal);
        Assert.Equal("# last good\n", await File.ReadAllTextAsync(own, TestContext.Current.CancellationToken));
        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), "cloudwg-haproxy-*.cfg"));
    }

    [Fact]
    public async Task Without_a_running_haproxy_the_new_file_is_taken_back_and_the_pass_says_how_haproxy_must_run()
    {
        if (!(await Run.TryAsync("sh", "-c", "command -v haproxy")).Succeeded)
        {
            Assert.Skip("haproxy is not installed (make test installs it as root)");
        }

        var own = Path.Combine(dir.Path, "cloudwg.cfg");
        await File.WriteAllTextAsync(own, "# last good\n", TestContext.Current.CancellationToken);
        var driver = new HAProxyDriver(new HAProxyOptions { ConfigFile = own, ValidateWith = [], MasterSocket = Path.Combine(dir.Path, "none.sock") });
        var desired = TestStates.Node("n1", 1, "wg0", []) with { L4 = HAProxyRendererTests.Sample() };

        var result = await driver.ReconcileAsync(desired, TestContext.Current.CancellationToken);

        Assert.False(result.Succeeded);
        Assert.Contains("master-worker mode with -S", result.Error, StringComparison.Ordinal);
        Assert.Equal("# last good\n", await File.ReadAllTextAsync(own, TestContext.Current.CancellationToken));
    }
}
