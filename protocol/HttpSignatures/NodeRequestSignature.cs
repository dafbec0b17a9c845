using System.Security.Cryptography;
using System.Text;
using CloudWg.Protocol.Jws;

namespace CloudWg.Protocol.HttpSignatures;

/// <summary>
/// How an agent proves possession of its node key on every control-plane request (DESIGN §4): an RFC 9421 HTTP
/// message signature, label <see cref="Label"/>, algorithm <c>ecdsa-p256-sha256</c> with the node's TLS key, over
/// <c>@method</c>, <c>@target-uri</c> and (with a body) <c>content-digest</c> (RFC 9530, SHA-256), with the parameters
/// <c>created</c>, <c>nonce</c>, <c>alg</c>, <c>keyid</c> (the leaf certificate's <c>x5t#S256</c>) and <c>tag</c>.
/// The leaf certificate travels in <see cref="CertificateHeader"/> as an sf-binary (the shape of RFC 9440's
/// <c>Client-Cert</c>), so that the control plane can check its chain, node id and revocation without mutual TLS.
/// </summary>
public static class NodeRequestSignature
{
    public const string Label = "cloudwg";
    public const string Tag = "cloudwg-node";
    public const string Algorithm = "ecdsa-p256-sha256";
    public const string SignatureInputHeader = "Signature-Input";
    public const string SignatureHeader = "Signature";
    public const string CertificateHeader = "CloudWg-Node-Certificate";

    /// <summary>The most a certificate header may carry (a node certificate is well under 2 KiB).</summary>
    public const int MaxCertificateBytes = 8 * 1024;

    /// <summary>The headers that sign one request: <c>Content-Digest</c> (when there is a body), <c>Signature-Input</c>, <c>Signature</c> and the certificate.</summary>
    /// <param name="body">The exact body bytes sent, or null for a request without a body.</param>
    public static IReadOnlyList<KeyValuePair<string, string>> Sign(string method, Uri targetUri, byte[]? body, ECDsa key, byte[] certificateDer, DateTimeOffset now, string? nonce = null)
    {
        var headers = new List<KeyValuePair<string, string>>();
        var components = new List<KeyValuePair<string, string>>
        {
            new("@method", method),
            new("@target-uri", targetUri.AbsoluteUri),
        };
        if (body is not null)
        {
            var digest = ContentDigest.Sha256(body);
            headers.Add(new(ContentDigest.HeaderName, digest));
            components.Add(new("content-digest", digest));
        }

        var parameters = new SfParameters
        {
            new("created", now.ToUnixTimeSeconds()),
            new("nonce", nonce ?? NewNonce()),
            new("alg", Algorithm),
            new("keyid", Thumbprint(certificateDer)),
            new("tag", Tag),
        };
        var signatureBase = SignatureBase.Create(components, parameters);
        var signature = key.SignData(Encoding.UTF8.GetBytes(signatureBase), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        headers.Add(new(SignatureInputHeader, Label + "=" + SignatureBase.SignatureParams(components.Select(c => c.Key), parameters)));
        headers.Add(new(SignatureHeader, Label + "=" + StructuredFields.SerializeBytes(signature)));
        headers.Add(new(CertificateHeader, StructuredFields.SerializeBytes(certificateDer)));
        return headers;
    }

    /// <summary>The <c>x5t#S256</c> of a certificate: base64url (no padding) of the SHA-256 of its DER.</summary>
    public static string Thumbprint(ReadOnlySpan<byte> certificateDer) => Base64UrlStrict.Encode(SHA256.HashData(certificateDer));

    /// <summary>128 random bits, base64url.</summary>
    public static string NewNonce() => Base64UrlStrict.Encode(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// Reads this profile's signature from a request's header values (<paramref name="header"/> returns the field
    /// lines of a header, or null); null and an operator-readable <paramref name="error"/> when it is missing or
    /// does not follow the profile. The signature itself is not checked here: see <see cref="Verify"/>.
    /// </summary>
    public static ParsedNodeSignature? Parse(Func<string, IEnumerable<string>?> header, string method, out string? error)
    {
        var input = SignatureBase.FieldValue(header(SignatureInputHeader));
        var signature = SignatureBase.FieldValue(header(SignatureHeader));
        var certificate = SignatureBase.FieldValue(header(CertificateHeader));
        if (input is null || signature is null)
        {
            error = "the request is not signed (no Signature-Input and Signature)";
            return null;
        }

        try
        {
            if (!StructuredFields.ParseDictionary(input).TryGetValue(Label, out var inputMember) || inputMember.Items is null)
            {
                throw new FormatException($"Signature-Input has no '{Label}' signature");
            }

            if (!StructuredFields.ParseDictionary(signature).TryGetValue(Label, out var signatureMember) || signatureMember.Value is not byte[] signatureBytes)
            {
                throw new FormatException($"Signature has no '{Label}' byte sequence");
            }

            var components = new List<string>();
            foreach (var item in inputMember.Items)
            {
                if (item.Value is not string id || item.Parameters.Count != 0 || components.Contains(id))
                {
                    throw new FormatException("the covered components must be distinct plain names");
                }

                components.Add(id);
            }

            string[] required = method is "POST" or "PUT" or "PATCH" ? ["@method", "@target-uri", "content-digest"] : ["@method", "@target-uri"];
            if (required.FirstOrDefault(r => !components.Contains(r)) is { } missing)
            {
                throw new FormatException($"the signature does not cover {missing}");
            }

            if (components.FirstOrDefault(c => c is not ("@method" or "@target-uri" or "content-digest")) is { } unknown)
            {
                throw new FormatException($"the signature covers {unknown}, which this profile does not use");
            }

            var p = inputMember.Parameters;
            if (p["created"] is not long created)
            {
                throw new FormatException("the signature has no created time");
            }

            if (p["nonce"] is not string nonce || nonce.Length is < 16 or > 64 || !nonce.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                throw new FormatException("the signature has no nonce of 16 to 64 base64url characters");
            }

            if (p["alg"] is not string alg || alg != Algorithm)
            {
                throw new FormatException($"the signature's alg must be {Algorithm}");
            }

            if (p["tag"] is not string tag || tag != Tag)
            {
                throw new FormatException($"the signature's tag must be {Tag}");
            }

            if (p["keyid"] is not string keyId || !KeyIds.IsValid(keyId))
            {
                throw new FormatException("the signature has no keyid");
            }

            if (p.Any(kv => kv.Key is not ("created" or "nonce" or "alg" or "keyid" or "tag" or "expires")))
            {
                throw new FormatException("the signature has a parameter this profile does not use");
            }

            long? expires = p["expires"] is long e ? e : null;
            if (certificate is null)
            {
                throw new FormatException($"the request carries no {CertificateHeader}");
            }

            if (certificate.Length > MaxCertificateBytes * 2 || StructuredFields.ParseItem(certificate).Value is not byte[] der)
            {
                throw new FormatException($"{CertificateHeader} is not one certificate as an sf-binary");
            }

            if (Thumbprint(der) != keyId)
            {
                throw new FormatException($"the keyid does not name the certificate in {CertificateHeader}");
            }

            error = null;
            return new ParsedNodeSignature(components, inputMember.Parameters, signatureBytes, created, expires, nonce, keyId, der);
        }
        catch (FormatException e)
        {
            error = e.Message.Length > 0 && char.IsAsciiLetterLower(e.Message[0]) ? e.Message : "the signature headers are malformed: " + e.Message;
            return null;
        }
    }

    /// <summary>
    /// The signature base of <paramref name="signature"/> for a request with <paramref name="method"/>,
    /// <paramref name="targetUri"/> and <paramref name="contentDigest"/> (the header's canonical value).
    /// </summary>
    public static string BaseFor(ParsedNodeSignature signature, string method, string targetUri, string? contentDigest)
    {
        var components = signature.Components.Select(id => new KeyValuePair<string, string>(id, id switch
        {
            "@method" => method,
            "@target-uri" => targetUri,
            _ => contentDigest ?? "",
        })).ToList();
        return SignatureBase.Create(components, signature.Parameters);
    }

    /// <summary>Whether <paramref name="signature"/> (IEEE P1363 r‖s) over <paramref name="signatureBase"/> verifies with <paramref name="key"/>.</summary>
    public static bool Verify(ECDsa key, string signatureBase, byte[] signature) =>
        signature.Length == 64 && key.VerifyData(Encoding.UTF8.GetBytes(signatureBase), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
}

/// <summary>A node request signature as read from the headers, before any check of its value.</summary>
public sealed record ParsedNodeSignature(
    IReadOnlyList<string> Components,
    SfParameters Parameters,
    byte[] Signature,
    long Created,
    long? Expires,
    string Nonce,
    string KeyId,
    byte[] CertificateDer);
