using System.Runtime.ExceptionServices;

namespace CloudWg.EdgeAgent.Native;

/// <summary>
/// Runs code inside a named network namespace (<c>/var/run/netns/&lt;name&gt;</c>) on a fresh dedicated thread:
/// setns(2) moves only the calling thread, and the thread ends with the work, so no pooled thread is ever left in
/// another namespace. Sockets (netlink, libnftables' context) keep the namespace they were created in.
/// </summary>
public static class NamespaceThread
{
    /// <summary>Runs <paramref name="action"/> in <paramref name="networkNamespace"/>, or directly when it is null.</summary>
    public static T Run<T>(string? networkNamespace, Func<T> action)
    {
        if (networkNamespace is null)
        {
            return action();
        }

        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/var/run/netns/{networkNamespace}");
                if (LibC.SetNs((int)handle.DangerousGetHandle(), LibC.CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"Entering network namespace '{networkNamespace}' failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}.");
                }

                result = action();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        })
        { IsBackground = true, Name = $"netns {networkNamespace}" };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }
}
