namespace CloudWg.EdgeAgent.Enrollment;

/// <summary>Lets other loops ask for an early renewal, e.g. when storage answers 403 to the node's SAS.</summary>
public sealed class RenewalTrigger
{
    private readonly SemaphoreSlim signal = new(0, 1);

    /// <summary>True while a request has not been picked up.</summary>
    public bool IsPending => signal.CurrentCount > 0;

    public void Request()
    {
        if (signal.CurrentCount == 0)
        {
            try
            {
                signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already requested.
            }
        }
    }

    /// <summary>Waits for a request or <paramref name="delay"/>; true when a renewal was requested.</summary>
    public async Task<bool> WaitAsync(TimeSpan delay, TimeProvider time, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var requested = signal.WaitAsync(wait.Token);
        var timer = Task.Delay(delay, time, wait.Token);
        var first = await Task.WhenAny(requested, timer).ConfigureAwait(false);
        await wait.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return first == requested && requested.IsCompletedSuccessfully;
    }
}
