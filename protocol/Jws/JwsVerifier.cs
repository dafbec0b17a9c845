using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CloudWg.Protocol.Json;

namespace CloudWg.Protocol.Jws;

/// <summary>
/// Verifies compact ES256 JWS against a pinned <see cref="TrustBundle"/>. Never throws on any input: every problem
/// becomes a <see cref="JwsVerificationResult"/> with a distinct <see cref="JwsRejectReason"/>. Thread-safe.
/// </summary>
public sealed class JwsVerifier
{
    /// <summary>Default upper bound for a compact JWS: 1 MiB (reports, and desired states up to about 4,500 peers).</summary>
    public const int DefaultMaxLength = 1024 * 1024;

    /// <summary>
    /// Bound for agents of large nodes: a desired state with 10,000 peers is about 1.6 MB canonical and 2.1 MB as
    /// JWS (base64url adds a third), so nodes that may carry that many peers pass this instead of the default.
    /// </summary>
    public const int LargeDesiredStateMaxLength = 16 * 1024 * 1024;

    // One imported key per kid, used under its lock: importing per call would cost more than verifying, and
    // ECDsa instances are not documented as thread-safe. Native handles are released by their finalizers.
    private readonly Dictionary<string, ECDsa> _keys = new(StringComparer.Ordinal);

    /// <param name="trustBundle">The pinned keys; every key must be a valid P-256 JWK with a unique kid.</param>
    /// <param name="maxLength">Longest compact JWS accepted, in characters (= bytes, it is ASCII).</param>
    /// <exception cref="ArgumentException">The bundle holds an invalid or duplicate key.</exception>
    public JwsVerifier(TrustBundle trustBundle, int maxLength = DefaultMaxLength)
    {
        ArgumentNullException.ThrowIfNull(trustBundle);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 16);
        if (trustBundle.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException(
                "Invalid trust bundle: " + string.Join("; ", errors.Select(e => $"{e.Path} {e.Message}")), nameof(trustBundle));
        }

        foreach (var jwk in trustBundle.Keys)
        {
            _keys.Add(jwk.Kid, jwk.ToECDsa());
        }

        MaxLength = maxLength;
    }

    /// <summary>Longest compact JWS accepted.</summary>
    public int MaxLength { get; }

    /// <summary>
    /// Checks, in order: size, segment count, canonical base64url, header JSON (exactly alg/kid/typ, no duplicate
    /// members), alg, typ, kid, signature, then that the payload is JSON without duplicate member names.
    /// </summary>
    public JwsVerificationResult Verify(string compact, string expectedTyp)
    {
        try
        {
            return VerifyCore(compact, expectedTyp);
        }
        catch (Exception e) when (e is JsonException or CryptographicException or FormatException or ArgumentException
                                      or InvalidOperationException or OverflowException or IndexOutOfRangeException)
        {
            return Fail(JwsRejectReason.Malformed, "Unreadable JWS (" + e.GetType().Name + ").");
        }
    }

    private JwsVerificationResult VerifyCore(string? compact, string? expectedTyp)
    {
        if (string.IsNullOrEmpty(compact))
        {
            return Fail(JwsRejectReason.Malformed, "Empty input.");
        }

        if (compact.Length > MaxLength)
        {
            return Fail(JwsRejectReason.Oversized, $"{compact.Length} characters; at most {MaxLength} are accepted.");
        }

        var span = compact.AsSpan();
        var firstDot = span.IndexOf('.');
        var lastDot = span.LastIndexOf('.');
        if (firstDot < 0 || firstDot == lastDot || span[(firstDot + 1)..lastDot].Contains('.'))
        {
            return Fail(JwsRejectReason.WrongSegmentCount, "A compact JWS has exactly three segments.");
        }

        var headerText = span[..firstDot];
        var payloadText = span[(firstDot + 1)..lastDot];
        var signatureText = span[(lastDot + 1)..];

        if (Decode(headerText, "header", out var headerBytes) is { } headerFailure)
        {
            return headerFailure;
        }

        if (Decode(payloadText, "payload", out var payload) is { } payloadFailure)
        {
            return payloadFailure;
        }

        if (Decode(signatureText, "signature", out var signature) is { } signatureFailure)
        {
            return signatureFailure;
        }

        if (headerBytes.Length == 0 || payload.Length == 0)
        {
            return Fail(JwsRejectReason.Malformed, "The header and the payload may not be empty.");
        }

        if (ReadHeader(headerBytes, out var header) is { } headerProblem)
        {
            return headerProblem;
        }

        if (header.Alg != JwsAlgorithms.ES256)
        {
            return Fail(JwsRejectReason.AlgorithmNotAllowed, "Only ES256 is accepted.");
        }

        if (!string.Equals(header.Typ, expectedTyp, StringComparison.Ordinal))
        {
            return Fail(JwsRejectReason.WrongType, $"Expected typ '{expectedTyp}'.");
        }

        if (!_keys.TryGetValue(header.Kid, out var key))
        {
            return Fail(JwsRejectReason.UnknownKeyId, "The kid names no pinned key.");
        }

        if (signature.Length != JwsAlgorithms.ES256SignatureLength)
        {
            return Fail(JwsRejectReason.BadSignature, "An ES256 signature is 64 bytes.");
        }

        var signingInput = Encoding.ASCII.GetBytes(compact, 0, lastDot);
        bool verified;
        lock (key)
        {
            verified = key.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        if (!verified)
        {
            return Fail(JwsRejectReason.BadSignature, "The signature does not verify with the pinned key.");
        }

        // Signed by a pinned key, but still refuse payloads that different JSON parsers could read differently.
        try
        {
            using var document = CanonicalJson.Parse(payload);
            if (JsonDuplicates.Find(document.RootElement) is { } duplicate)
            {
                return Fail(JwsRejectReason.DuplicateMemberNames, $"The payload repeats member '{duplicate}'.");
            }
        }
        catch (ProtocolJsonException)
        {
            return Fail(JwsRejectReason.Malformed, "The payload is not JSON.");
        }

        return JwsVerificationResult.Success(header, payload);
    }

    private static JwsVerificationResult? Decode(ReadOnlySpan<char> text, string segment, out byte[] bytes) =>
        Base64UrlStrict.Decode(text, out bytes) switch
        {
            Base64UrlStatus.Ok => null,
            Base64UrlStatus.NonCanonical => Fail(JwsRejectReason.NonCanonicalBase64Url, $"The {segment} is not canonical base64url."),
            _ => Fail(JwsRejectReason.Malformed, $"The {segment} is not base64url."),
        };

    private static JwsVerificationResult? ReadHeader(byte[] bytes, out JwsHeader header)
    {
        header = null!;
        string? alg = null, kid = null, typ = null;
        try
        {
            using var document = CanonicalJson.Parse(bytes);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Fail(JwsRejectReason.Malformed, "The header is not a JSON object.");
            }

            if (JsonDuplicates.Find(root) is { } duplicate)
            {
                return Fail(JwsRejectReason.DuplicateMemberNames, $"The header repeats member '{duplicate}'.");
            }

            foreach (var member in root.EnumerateObject())
            {
                var value = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : null;
                switch (member.Name)
                {
                    case "alg":
                        alg = value;
                        break;
                    case "kid":
                        kid = value;
                        break;
                    case "typ":
                        typ = value;
                        break;
                    default:
                        // Unknown members (crit, jku, x5u, jwk, b64 ...) could change how others would verify.
                        return Fail(JwsRejectReason.Malformed, $"Header member '{member.Name}' is not allowed.");
                }
            }
        }
        catch (ProtocolJsonException)
        {
            return Fail(JwsRejectReason.Malformed, "The header is not JSON.");
        }

        if (alg is null)
        {
            return Fail(JwsRejectReason.Malformed, "The header has no string 'alg'.");
        }

        if (alg != JwsAlgorithms.ES256)
        {
            return Fail(JwsRejectReason.AlgorithmNotAllowed, $"Only ES256 is accepted.");
        }

        if (kid is null || typ is null)
        {
            return Fail(JwsRejectReason.Malformed, "The header needs string 'kid' and 'typ'.");
        }

        header = new JwsHeader(alg, kid, typ);
        return null;
    }

    private static JwsVerificationResult Fail(JwsRejectReason reason, string detail) => JwsVerificationResult.Failure(reason, detail);
}
