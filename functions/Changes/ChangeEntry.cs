namespace CloudWg.Functions.Changes;

/// <summary>One entry of the change feed: something about <see cref="ResourceType"/> <see cref="Id"/> on a node changed.</summary>
/// <param name="Seq">Sortable position in the feed (time-ordered); read on with <c>after = Seq</c>.</param>
/// <param name="ResourceType"><c>node</c>, <c>peer</c>, <c>route</c> or <c>firewall-rule</c>.</param>
/// <param name="Action"><c>created</c>, <c>updated</c> or <c>deleted</c>.</param>
public sealed record ChangeEntry(string Seq, DateTimeOffset Time, string NodeId, string ResourceType, string Id, string Action);
