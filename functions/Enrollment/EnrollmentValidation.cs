using System.Security.Cryptography.X509Certificates;
using CloudWg.Functions.Enrollment.Contracts;
using CloudWg.Functions.Pki;

namespace CloudWg.Functions.Enrollment;

/// <summary>Checks an enrollment request field by field, collecting every problem at once.</summary>
public static class EnrollmentValidation
{
    public const int MaxTokenLength = 256;
    public const int MaxHostnameLength = 253;
    public const int MaxAgentVersionLength = 64;

    public static Dictionary<string, string[]> Validate(EnrollmentRequest request, out PublicKey? publicKey)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Token))
        {
            errors["token"] = ["token is required: the enrollment token shown when the node's enrollment was created."];
        }
        else if (request.Token.Length > MaxTokenLength)
        {
            errors["token"] = ["token is too long."];
        }

        if (!CertificateSigningRequests.TryParse(request.Csr, out publicKey, out var csrError))
        {
            errors["csr"] = [csrError];
        }

        if (!IsWireGuardKey(request.WireguardPublicKey))
        {
            errors["wireguardPublicKey"] = ["wireguardPublicKey must be a WireGuard public key: 32 bytes in base64 (44 characters)."];
        }

        if (request.Hostname is { } hostname && (hostname.Length > MaxHostnameLength || hostname.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))))
        {
            errors["hostname"] = [$"hostname must be at most {MaxHostnameLength} characters without spaces or control characters."];
        }

        if (request.AgentVersion is { } version && (version.Length > MaxAgentVersionLength || version.Any(char.IsControl)))
        {
            errors["agentVersion"] = [$"agentVersion must be at most {MaxAgentVersionLength} printable characters."];
        }

        return errors;
    }

    public static bool IsWireGuardKey(string? value)
    {
        if (value is null || value.Length != 44)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[33];
        return Convert.TryFromBase64String(value, buffer, out var written) && written == 32;
    }
}
