namespace CloudWg.Infra.Tests.Support;

internal static class Shellcheck
{
    public static async Task<ProcessResult> RunAsync(IEnumerable<string> scripts)
    {
        Assert.True(
            File.Exists("/usr/bin/shellcheck"),
            "shellcheck is not installed: apt-get install -y shellcheck (make test installs it in CI)");
        return await ProcessRunner.RunAsync(
            "shellcheck",
            ["--severity=style", "--external-sources", .. scripts],
            TimeSpan.FromMinutes(2),
            TestContext.Current.CancellationToken);
    }
}
