namespace CloudWg.Protocol.Jws;

/// <summary>Why <see cref="JwsVerifier"/> refused a compact JWS; each is counted and reported separately.</summary>
public enum JwsRejectReason
{
    /// <summary>Not a usable JWS: bad JSON header, missing members, empty payload, non-ASCII, or invalid characters.</summary>
    Malformed,

    /// <summary>Not exactly three dot-separated segments (e.g. a JWE, a detached or a truncated JWS).</summary>
    WrongSegmentCount,

    /// <summary>A segment is not in canonical base64url: padding, '+' or '/', or non-zero unused trailing bits.</summary>
    NonCanonicalBase64Url,

    /// <summary>Longer than the verifier's configured maximum.</summary>
    Oversized,

    /// <summary>The header or payload repeats a JSON member name.</summary>
    DuplicateMemberNames,

    /// <summary><c>alg</c> is anything but ES256 (including <c>none</c>, HS256, RS256).</summary>
    AlgorithmNotAllowed,

    /// <summary><c>typ</c> is not the type the caller expected.</summary>
    WrongType,

    /// <summary><c>kid</c> names no key in the pinned trust bundle.</summary>
    UnknownKeyId,

    /// <summary>The signature does not verify with the pinned key (or is not 64 bytes).</summary>
    BadSignature,
}
