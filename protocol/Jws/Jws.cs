using System.Text;
using CloudWg.Protocol.Json;

namespace CloudWg.Protocol.Jws;

/// <summary>Produces compact JWS (RFC 7515 §7.1) with ES256 and the header <c>{alg, kid, typ}</c>.</summary>
public static class Jws
{
    /// <summary>
    /// Signs <paramref name="payload"/> (normally canonical JSON from <see cref="CanonicalJson"/>) and returns
    /// <c>base64url(header).base64url(payload).base64url(signature)</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="typ"/> is empty or the payload is empty.</exception>
    /// <exception cref="InvalidOperationException">The signer returned something other than a 64-byte r‖s signature.</exception>
    public static async ValueTask<string> SignAsync(IJwsSigner signer, ReadOnlyMemory<byte> payload, string typ, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentException.ThrowIfNullOrEmpty(typ);
        if (payload.IsEmpty)
        {
            throw new ArgumentException("A JWS payload may not be empty.", nameof(payload));
        }

        if (!KeyIds.IsValid(signer.KeyId))
        {
            throw new InvalidOperationException($"The signer's key id {KeyIds.Rule}.");
        }

        var header = CanonicalJson.Serialize(new JwsHeader(JwsAlgorithms.ES256, signer.KeyId, typ), ProtocolJsonContext.Default.JwsHeader);
        var signingInput = Base64UrlStrict.Encode(header) + "." + Base64UrlStrict.Encode(payload.Span);
        var signature = await signer.SignAsync(Encoding.ASCII.GetBytes(signingInput), ct).ConfigureAwait(false);
        if (signature is not { Length: JwsAlgorithms.ES256SignatureLength })
        {
            throw new InvalidOperationException(
                $"The signer returned {signature?.Length ?? 0} bytes; ES256 needs the 64-byte IEEE P1363 r‖s form (not DER).");
        }

        return signingInput + "." + Base64UrlStrict.Encode(signature);
    }

    /// <summary>Canonicalizes <paramref name="value"/> and signs it; returns the JWS and the exact payload bytes.</summary>
    public static async ValueTask<SignedDocument> SignDocumentAsync<T>(IJwsSigner signer, T value, string typ, CancellationToken ct = default)
    {
        var payload = CanonicalJson.Serialize(value);
        var compact = await SignAsync(signer, payload, typ, ct).ConfigureAwait(false);
        return new SignedDocument(compact, payload, ContentHash.Sha256Hex(payload));
    }
}
