namespace CloudWg.EdgeAgent.Nftables;

/// <summary>One rule reduced to what matters for comparison: its comment and its normalised expression.</summary>
internal sealed record NftablesRuleView(string? Comment, string Expression, long? Handle)
{
    /// <summary>The comment when there is one (ours always have one), else the expression; plus the handle if known.</summary>
    public string Describe()
    {
        var summary = Comment is not null
            ? $"\"{Comment}\""
            : Expression.Length > 200 ? Expression[..200] + "…" : Expression;
        return Handle is { } h ? $"{summary} (handle {h})" : summary;
    }
}
