using System.Security.Cryptography;
using System.Text;
using CloudWg.Protocol.Jws;

namespace CloudWg.Protocol.Tests.Jws;

/// <summary>Builds JWS by hand, including ones our signer would never produce.</summary>
internal static class JwsTestKit
{
    public static string B64(string text) => Base64UrlStrict.Encode(Encoding.UTF8.GetBytes(text));

    public static string B64(byte[] bytes) => Base64UrlStrict.Encode(bytes);

    /// <summary>header.payload.signature with an ES256 signature by <paramref name="key"/> over whatever header is given.</summary>
    public static string SignRaw(ECDsa key, string headerJson, string payloadJson)
    {
        var signingInput = B64(headerJson) + "." + B64(payloadJson);
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + B64(signature);
    }

    public static string Header(string kid, string typ = JwsTypes.DesiredState, string alg = "ES256") =>
        $"{{\"alg\":\"{alg}\",\"kid\":\"{kid}\",\"typ\":\"{typ}\"}}";
}
