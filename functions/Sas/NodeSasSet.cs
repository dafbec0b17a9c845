namespace CloudWg.Functions.Sas;

/// <summary>The three grants a node holds: its inbox queue, its desired-state blob, and the shared reports queue.</summary>
public sealed record NodeSasSet(SasGrantInfo Inbox, SasGrantInfo DesiredStateBlob, SasGrantInfo Reports);
