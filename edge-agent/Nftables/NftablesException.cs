namespace CloudWg.EdgeAgent.Nftables;

/// <summary>libnftables refused a command; <see cref="Exception.Message"/> carries nft's own error text.</summary>
public sealed class NftablesException : Exception
{
    public NftablesException(string message)
        : base(message)
    {
    }

    public NftablesException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
