using System.Collections.Concurrent;
using System.Diagnostics;

namespace CloudWg.SystemTests.Harness;

/// <summary>A long-running process (Azurite, control plane, agent) whose output is kept for failure messages.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int MaxLines = 400;
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();

    private ChildProcess(string name, Process process)
    {
        Name = name;
        this.process = process;
    }

    public string Name { get; }

    public bool HasExited => process.HasExited;

    public int Id => process.Id;

    /// <param name="clearEnvironment">Prefixes of inherited variables to drop first (a package must get its settings only from <paramref name="environment"/>).</param>
    public static ChildProcess Start(string name, string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, IReadOnlyList<string>? clearEnvironment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var key in start.Environment.Keys.Where(k => clearEnvironment?.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase)) == true).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start.");
        var child = new ChildProcess(name, process);
        process.OutputDataReceived += (_, e) => child.Add(e.Data);
        process.ErrorDataReceived += (_, e) => child.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The last lines the process wrote, for assertion messages.</summary>
    public string Log() => $"--- {Name} (pid {process.Id}{(process.HasExited ? $", exited {process.ExitCode}" : "")}) ---\n" + string.Join('\n', lines);

    /// <summary>Stops the process and its children (hard kill: the journey simulates outages, not clean shutdowns).</summary>
    public async Task StopAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>Stops the process; the object stays usable for <see cref="Log"/> and <see cref="HasExited"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (OperationCanceledException)
        {
            // Killed but not reaped in time; nothing more to do.
        }
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lines.Enqueue(line);
        while (lines.Count > MaxLines && lines.TryDequeue(out _))
        {
        }
    }
}
