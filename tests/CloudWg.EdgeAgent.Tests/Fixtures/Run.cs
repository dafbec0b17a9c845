using CloudWg.EdgeAgent.Infrastructure;

namespace CloudWg.EdgeAgent.Tests.Fixtures;

/// <summary>Runs tools in tests and fails with their stderr.</summary>
public static class Run
{
    public static async Task<string> CheckedAsync(string file, params string[] args)
    {
        var result = await ProcessRunner.RunAsync(file, args, TestContext.Current.CancellationToken);
        Assert.True(result.Succeeded, $"{file} {string.Join(' ', args)} failed ({result.ExitCode}): {result.StandardError}");
        return result.StandardOutput;
    }

    public static Task<ProcessResult> TryAsync(string file, params string[] args) =>
        ProcessRunner.RunAsync(file, args, CancellationToken.None);

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        return await condition();
    }

    public static string Suffix() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));
}
