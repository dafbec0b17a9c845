namespace CloudWg.EdgeAgent.Reconcile;

/// <summary>The combined result of every driver in one pass.</summary>
public sealed record ReconcilePass(long Version, string Trigger, string Outcome, IReadOnlyList<DriverResult> Drivers)
{
    public bool Succeeded => Drivers.All(d => d.Succeeded);

    /// <summary>One line for history and reports, e.g. <c>wireguard: peer X added; nftables: failed (...)</c>.</summary>
    public string Detail => string.Join("; ", Drivers
        .Where(d => !d.Succeeded || d.Changes.Count > 0)
        .Select(d => d.Succeeded ? $"{d.Driver}: {string.Join(", ", d.Changes.Take(20))}{(d.Changes.Count > 20 ? $" (+{d.Changes.Count - 20} more)" : string.Empty)}" : $"{d.Driver}: failed ({d.Error})"));

    public string? Error => Succeeded ? null : string.Join("; ", Drivers.Where(d => !d.Succeeded).Select(d => $"{d.Driver}: {d.Error}"));
}
