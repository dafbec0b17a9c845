using System.Diagnostics.CodeAnalysis;

namespace CloudWg.Protocol.Jws;

/// <summary>The outcome of <see cref="JwsVerifier.Verify"/>: verified header and payload, or a reason.</summary>
public sealed class JwsVerificationResult
{
    private JwsVerificationResult(JwsHeader? header, byte[]? payload, JwsRejectReason? reason, string? detail)
    {
        Header = header;
        Payload = payload;
        Reason = reason;
        Detail = detail;
    }

    /// <summary>True when the signature verified with a pinned key and every check passed.</summary>
    [MemberNotNullWhen(true, nameof(Header), nameof(Payload))]
    [MemberNotNullWhen(false, nameof(Reason), nameof(Detail))]
    public bool IsValid => Reason is null;

    /// <summary>The protected header, when valid.</summary>
    public JwsHeader? Header { get; }

    /// <summary>The payload bytes exactly as signed, when valid.</summary>
    public byte[]? Payload { get; }

    /// <summary>Why it was rejected, when not valid.</summary>
    public JwsRejectReason? Reason { get; }

    /// <summary>A short explanation for logs; never contains key material.</summary>
    public string? Detail { get; }

    public static JwsVerificationResult Success(JwsHeader header, byte[] payload) => new(header, payload, null, null);

    public static JwsVerificationResult Failure(JwsRejectReason reason, string detail) => new(null, null, reason, detail);

    public override string ToString() => IsValid ? $"valid ({Header.Kid}, {Header.Typ})" : $"rejected: {Reason} ({Detail})";
}
