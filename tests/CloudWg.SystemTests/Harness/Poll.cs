namespace CloudWg.SystemTests.Harness;

/// <summary>Waits for a condition with a generous deadline: the CI machine has two slow cores shared with others.</summary>
public static class Poll
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    public static async Task UntilAsync(string what, Func<Task<bool>> condition, TimeSpan? timeout = null, Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }

                last = null;
            }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException or TaskCanceledException)
            {
                last = e;
            }

            await Task.Delay(Interval, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"Timed out waiting for: {what}." + (last is null ? "" : $" Last error: {last.Message}") + (diagnostics is null ? "" : "\n" + diagnostics()));
    }

    /// <summary>Waits until <paramref name="condition"/> holds <paramref name="times"/> checks in a row.</summary>
    public static async Task UntilStableAsync(string what, Func<Task<bool>> condition, int times, TimeSpan? timeout = null, Func<string>? diagnostics = null)
    {
        var streak = 0;
        await UntilAsync(what, async () =>
        {
            streak = await condition() ? streak + 1 : 0;
            return streak >= times;
        }, timeout, diagnostics);
    }
}
