namespace CloudWg.Functions.Triggers;

/// <summary>
/// A timer function: its name (the function.json folder and the <c>POST /&lt;Name&gt;</c> route), its NCRONTAB
/// schedule (the same text as in function.json; a test compares them) and the handler both hosts run.
/// </summary>
/// <param name="Run">Does the work and returns a report (the custom handler's <c>ReturnValue</c>) and a log line.</param>
public sealed record TriggerFunction(string Name, string Schedule, Func<IServiceProvider, CancellationToken, Task<(object Report, string Log)>> Run);
