namespace CloudWg.EdgeAgent.Storage;

/// <summary>A received queue message; <see cref="Text"/> is the decoded message text.</summary>
public sealed record QueueMessage(string MessageId, string PopReceipt, long DequeueCount, string Text, int RawLength);
