using CloudWg.Protocol.Acceptance;
using CloudWg.Protocol.Json;
using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Validation;

namespace CloudWg.Protocol.Messages;

/// <summary>
/// How many inbound messages a node rejected, by reason, since it started counting (monotonic). Keys are camelCase
/// reason names — see <see cref="KeyFor(JwsRejectReason)"/>, <see cref="KeyFor(RejectReason)"/>,
/// <see cref="KeyFor(ProtocolJsonError)"/> and the constants here — kept open so a newer agent can report a reason
/// an older control plane does not know yet.
/// </summary>
public sealed record RejectionCounters(IReadOnlyDictionary<string, long> Counts)
{
    /// <summary>The blob's content did not match the notification's sha256.</summary>
    public const string HashMismatch = "hashMismatch";

    /// <summary>A queue message that was not a readable notification at all.</summary>
    public const string InvalidNotification = "invalidNotification";

    /// <summary>A verified document that failed <c>DesiredStateValidator</c>.</summary>
    public const string InvalidDocument = "invalidDocument";

    /// <summary>A message dropped after too many dequeues.</summary>
    public const string PoisonMessage = "poisonMessage";

    /// <summary>No rejections.</summary>
    public static RejectionCounters None { get; } = new(new Dictionary<string, long>());

    public static string KeyFor(JwsRejectReason reason) => "jws" + reason;

    public static string KeyFor(RejectReason reason) => CamelCase(reason.ToString());

    public static string KeyFor(ProtocolJsonError error) => "json" + error;

    /// <summary>The count for <paramref name="key"/>, 0 when absent.</summary>
    public long this[string key] => Counts is not null && Counts.TryGetValue(key, out var count) ? count : 0;

    /// <summary>A copy with <paramref name="key"/> incremented.</summary>
    public RejectionCounters Increment(string key)
    {
        var copy = new Dictionary<string, long>(Counts ?? new Dictionary<string, long>(), StringComparer.Ordinal);
        copy[key] = copy.GetValueOrDefault(key) + 1;
        return new RejectionCounters(copy);
    }

    /// <summary>Sum of all counts.</summary>
    public long Total() => Counts?.Values.Sum() ?? 0;

    public IReadOnlyList<ValidationError> Validate(string path = "")
    {
        var errors = new List<ValidationError>();
        var prefix = path.Length == 0 ? "counts" : path + ".counts";
        if (Counts is null)
        {
            errors.Add(new ValidationError(prefix, "is required."));
            return errors;
        }

        if (Counts.Count > 64)
        {
            errors.Add(new ValidationError(prefix, "may hold at most 64 reasons."));
        }

        foreach (var (key, count) in Counts)
        {
            if (key.Length is 0 or > 64 || !key.All(char.IsAsciiLetterOrDigit))
            {
                errors.Add(new ValidationError($"{prefix}.{key}", "reason names are 1–64 letters and digits."));
            }
            else if (count < 0)
            {
                errors.Add(new ValidationError($"{prefix}.{key}", "must be 0 or more."));
            }
        }

        return errors;
    }

    private static string CamelCase(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
