namespace CloudWg.EdgeAgent.Nftables;

/// <summary>One rule reduced to what matters for comparison: its comment and its normalised expression.</summary>
internal sealed record NftablesRuleView(string? Comment, string Expression, long? Handle)
{
    public string Describe()
    {
        var text = Comment ?? Expression;
        if (Comment is not null && Handle is null)
        {
            return $"\"{Comment}\"";
        }

        var summary = Comment is null ? (text.Length > 200 ? text[..200] + "…" : text) : $"\"{Comment}\"";
        return Handle is { } h ? $"{summary} (handle {h})" : summary;
    }
}
