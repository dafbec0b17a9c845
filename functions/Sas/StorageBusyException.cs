namespace CloudWg.Functions.Sas;

/// <summary>Storage refused for a short while (a queue being deleted); the caller should retry later.</summary>
public sealed class StorageBusyException(string message, Exception inner) : Exception(message, inner);
