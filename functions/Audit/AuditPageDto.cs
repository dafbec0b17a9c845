namespace CloudWg.Functions.Audit;

/// <param name="Continuation">Pass as <c>continuation</c> for the next (older) page; null on the last page.</param>
public sealed record AuditPageDto(IReadOnlyList<AuditEntryDto> Items, string? Continuation);
