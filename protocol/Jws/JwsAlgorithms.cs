namespace CloudWg.Protocol.Jws;

/// <summary>JWS algorithm names. CloudWg signs and accepts exactly one.</summary>
public static class JwsAlgorithms
{
    /// <summary>ECDSA over P-256 with SHA-256; the signature is the 64-byte IEEE P1363 r‖s.</summary>
    public const string ES256 = "ES256";

    /// <summary>Length in bytes of an ES256 signature.</summary>
    public const int ES256SignatureLength = 64;
}
