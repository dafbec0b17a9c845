using System.Net.Sockets;
using System.Text;
using CloudWg.EdgeAgent.Infrastructure;
using CloudWg.EdgeAgent.Reconcile;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.HAProxy;

/// <summary>
/// SNI routing through HAProxy (the distribution's package) as a data-plane driver. The agent owns one file
/// (<see cref="HAProxyOptions.ConfigFile"/>): each pass renders it (<see cref="HAProxyRenderer"/>) and compares it with
/// what is on disk, so an edited or deleted file is drift. A new file is validated with <c>haproxy -c</c> together with
/// the operator's files before it replaces the old one; HAProxy then reloads through its master CLI, which starts new
/// workers on the new configuration while the old ones finish their connections (no connection is dropped). A refused
/// configuration, or a reload that fails, leaves the last good file in place and fails the pass with the reason.
/// </summary>
public sealed class HAProxyDriver(HAProxyOptions options) : IDataPlaneDriver
{
    public string Name => "haproxy";

    public async Task<DriverResult> ReconcileAsync(DesiredState desired, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desired);
        string wanted;
        try
        {
            wanted = HAProxyRenderer.Render(desired.L4);
        }
        catch (ArgumentException e)
        {
            return DriverResult.Failed(Name, e.Message);
        }

        var file = options.ConfigFile;
        var current = File.Exists(file) ? await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false) : null;
        if (current == wanted)
        {
            return DriverResult.Unchanged(Name);
        }

        var routes = HAProxyRenderer.MergeByListen(desired.L4).Sum(s => s.Routes.Count);
        // The candidate is checked from a scratch file: the agent may write its own file and nothing else of HAProxy's
        // (the systemd unit makes only that one path writable). HAProxy reads the file only on the reload below.
        var candidate = Path.Combine(Path.GetTempPath(), $"cloudwg-haproxy-{Guid.NewGuid():N}.cfg");
        await File.WriteAllTextAsync(candidate, wanted, cancellationToken).ConfigureAwait(false);
        ProcessResult check;
        try
        {
            check = await ProcessRunner.RunAsync(options.Command, [.. ValidationArguments(candidate)], cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(candidate);
        }

        if (!check.Succeeded)
        {
            return DriverResult.Failed(Name, $"haproxy -c refused the new configuration; the running one is kept: {(check.StandardError + check.StandardOutput).Trim()}");
        }

        await File.WriteAllTextAsync(file, wanted, cancellationToken).ConfigureAwait(false);
        try
        {
            await ReloadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException)
        {
            // Nothing reloaded: put the last good file back so that the next start of HAProxy runs it.
            if (current is null)
            {
                File.Delete(file);
            }
            else
            {
                await File.WriteAllTextAsync(file, current, cancellationToken).ConfigureAwait(false);
            }

            return routes == 0 && current is null
                ? DriverResult.Unchanged(Name)
                : DriverResult.Failed(Name, $"HAProxy did not reload through its master CLI at {options.MasterSocket}: {e.Message}. The last good configuration is kept; is haproxy running in master-worker mode with -S {options.MasterSocket}?");
        }

        var why = current is null ? "was missing" : current.StartsWith(HAProxyRenderer.Header, StringComparison.Ordinal) ? "changed" : "had been edited by hand";
        return new DriverResult(Name, [$"rewrote {file} ({routes} route(s); it {why}) and reloaded HAProxy"]);
    }

    /// <summary><c>haproxy -c -f operator… -f candidate</c>: the candidate must also fit with the operator's files.</summary>
    public IEnumerable<string> ValidationArguments(string candidate)
    {
        yield return "-c";
        foreach (var other in options.ValidateWith.Where(File.Exists))
        {
            yield return "-f";
            yield return other;
        }

        yield return "-f";
        yield return candidate;
    }

    /// <summary>Sends <c>reload</c> to the master CLI and waits until the master answers again (it re-executes itself).</summary>
    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await MasterCommandAsync("reload", cancellationToken).ConfigureAwait(false);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            try
            {
                var processes = await MasterCommandAsync("show proc", cancellationToken).ConfigureAwait(false);
                if (processes.Contains("worker", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception e) when (e is IOException or SocketException && DateTime.UtcNow < deadline)
            {
                // The master is re-executing.
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException("the master did not come back with a worker within 15 s");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<string> MasterCommandAsync(string command, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(options.MasterSocket), timeout.Token).ConfigureAwait(false);
            await socket.SendAsync(Encoding.ASCII.GetBytes(command + "\n"), timeout.Token).ConfigureAwait(false);
            var answer = new StringBuilder();
            var buffer = new byte[8192];
            int read;
            while ((read = await socket.ReceiveAsync(buffer, timeout.Token).ConfigureAwait(false)) > 0)
            {
                answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            return answer.ToString();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer to '{command}' within 10 s");
        }
    }
}
