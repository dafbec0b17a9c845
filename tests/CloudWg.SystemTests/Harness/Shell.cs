using System.Diagnostics;

namespace CloudWg.SystemTests.Harness;

/// <summary>Runs short-lived commands (ip, wg, ping) and returns their exit code and output.</summary>
public static class Shell
{
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(string file, params string[] args) => RunAsync(file, args, null);

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string file, string[] args, IReadOnlyDictionary<string, string>? environment, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        var limit = timeout ?? TimeSpan.FromMinutes(2);
        using var deadline = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{file} {string.Join(' ', args)}' did not finish within {limit.TotalMinutes:0} minutes.");
        }

        return (process.ExitCode, await output, await error);
    }

    public static async Task<string> CheckedAsync(string file, params string[] args)
    {
        var (code, output, error) = await RunAsync(file, args);
        if (code != 0)
        {
            throw new InvalidOperationException($"'{file} {string.Join(' ', args)}' failed with {code}: {error.Trim()} {output.Trim()}");
        }

        return output;
    }

    /// <summary>Runs a command whose failure does not matter (clean-up).</summary>
    public static async Task TryAsync(string file, params string[] args)
    {
        try
        {
            await RunAsync(file, args);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            // Clean-up is best effort; the next step carries on.
        }
    }
}
