namespace CloudWg.EdgeAgent.WireGuard;

/// <summary>A WireGuard device could not be read or configured.</summary>
public sealed class WireGuardException : Exception
{
    public WireGuardException(string message)
        : base(message)
    {
    }

    public WireGuardException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The errno the implementation returned, when it returned one.</summary>
    public int? Errno { get; init; }
}
