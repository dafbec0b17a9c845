using System.Text.Json.Nodes;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Nftables;

/// <summary>
/// Applies the firewall through libnftables and reads it back. Apply replaces the whole <c>inet cloudwg</c>
/// table in one transaction: the kernel either commits all of it or none of it, so an agent killed mid-apply
/// leaves the previous table in place and the next reconcile converges. No other table is named, listed or
/// flushed (DESIGN §1.6).
/// </summary>
public sealed class NftablesDriver : IDisposable
{
    private readonly NftablesSession _session;
    private readonly bool _ownsSession;

    /// <summary>Opens a libnftables context in the calling thread's network namespace.</summary>
    public NftablesDriver()
        : this(new NftablesSession(), ownsSession: true)
    {
    }

    public NftablesDriver(NftablesSession session, bool ownsSession = false)
    {
        _session = session;
        _ownsSession = ownsSession;
    }

    /// <summary>Replaces the table with the rendered firewall, atomically.</summary>
    public void Apply(FirewallSpec spec, NftablesRenderContext context) =>
        _session.Run(NftablesRenderer.Render(spec, context));

    /// <summary>The live table as nft's JSON listing, or null when it does not exist.</summary>
    public JsonNode? ReadTable()
    {
        try
        {
            return JsonNode.Parse(_session.Run($"list table {NftablesNames.Family} {NftablesNames.Table}"));
        }
        catch (NftablesException e) when (e.Message.Contains("No such file or directory", StringComparison.Ordinal))
        {
            return null;
        }
    }

    /// <summary>Compares the live table with the desired firewall; nothing is changed.</summary>
    public NftablesDriftReport CheckDrift(FirewallSpec spec, NftablesRenderContext context)
    {
        var desired = NftablesState.FromBatch(NftablesRenderer.Build(spec, context));
        var listing = ReadTable();
        var actual = listing is null ? null : NftablesState.FromListing(listing);
        var differences = desired.Compare(actual);
        return differences.Count == 0 ? NftablesDriftReport.Clean : new NftablesDriftReport(differences);
    }

    /// <summary>Checks for drift and, if any, re-applies; returns what was found (and corrected).</summary>
    public NftablesDriftReport Reconcile(FirewallSpec spec, NftablesRenderContext context)
    {
        var report = CheckDrift(spec, context);
        if (report.HasDrift)
        {
            Apply(spec, context);
        }

        return report;
    }

    public void Dispose()
    {
        if (_ownsSession)
        {
            _session.Dispose();
        }
    }
}
