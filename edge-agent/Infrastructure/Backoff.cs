namespace CloudWg.EdgeAgent.Infrastructure;

/// <summary>Exponential backoff with ±20 % jitter between a first and a maximum delay.</summary>
public sealed class Backoff
{
    private readonly TimeSpan first;
    private readonly TimeSpan max;
    private TimeSpan current;

    public Backoff(TimeSpan first, TimeSpan max)
    {
        this.first = first;
        this.max = max;
        current = first;
    }

    public TimeSpan Next()
    {
        var value = current;
        current = TimeSpan.FromTicks(Math.Min(current.Ticks * 2, max.Ticks));
        var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
        return TimeSpan.FromTicks((long)(value.Ticks * jitter));
    }

    public void Reset() => current = first;
}
