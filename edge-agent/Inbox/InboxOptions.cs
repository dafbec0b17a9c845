namespace CloudWg.EdgeAgent.Inbox;

/// <summary>Inbox polling and limits (configuration section <c>Inbox</c>).</summary>
public sealed class InboxOptions
{
    public const string Section = "Inbox";

    /// <summary>Delay between polls while messages keep arriving.</summary>
    public TimeSpan FastPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest delay between polls when idle: the idle worst case for noticing a change.</summary>
    public TimeSpan IdlePollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest delay between polls while storage is unreachable.</summary>
    public TimeSpan ErrorPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a received message stays hidden while it is handled.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A message received more often than this is dropped as poison and counted.</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>Longest queue message text accepted (the Storage Queue limit).</summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>Longest desired-state blob, pulled document or file (a compact JWS) accepted; 10,000 peers take ~2.1 MB.</summary>
    public int MaxBlobBytes { get; set; } = Protocol.Jws.JwsVerifier.LargeDesiredStateMaxLength;

    /// <summary>Pull fallback interval (<c>GET /api/agent/desired-state</c>), also run at start-up.</summary>
    public TimeSpan PullInterval { get; set; } = TimeSpan.FromMinutes(10);
}
