using CloudWg.Protocol.Validation;

namespace CloudWg.Protocol.Jws;

/// <summary>
/// What a node pins at enrollment: the config-signing public keys (current and, during rotation, next) and the
/// root CA certificate(s) it trusts for the control plane.
/// </summary>
/// <param name="Keys">Pinned ES256 verification keys, each with a unique <c>kid</c>.</param>
/// <param name="RootCertificatesPem">Root CA certificates in PEM, or null when not distributed this way.</param>
public sealed record TrustBundle(IReadOnlyList<Jwk> Keys, IReadOnlyList<string>? RootCertificatesPem = null)
{
    /// <summary>A bundle of the given keys and no root certificates.</summary>
    public static TrustBundle FromKeys(params IEnumerable<Jwk> keys) => new([.. keys]);

    /// <summary>The key with this <c>kid</c>, or null.</summary>
    public Jwk? Find(string kid)
    {
        foreach (var key in Keys ?? [])
        {
            if (key is not null && string.Equals(key.Kid, kid, StringComparison.Ordinal))
            {
                return key;
            }
        }

        return null;
    }

    /// <summary>Problems with this bundle: at least one key, every key a valid P-256 JWK, kids unique, PEMs present.</summary>
    public IReadOnlyList<ValidationError> Validate(string path = "")
    {
        var errors = new List<ValidationError>();
        var prefix = path.Length == 0 ? string.Empty : path + ".";
        if (Keys is null || Keys.Count == 0)
        {
            errors.Add(new ValidationError(prefix + "keys", "must hold at least one signing key."));
            return errors;
        }

        var kids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Keys.Count; i++)
        {
            var keyPath = $"{prefix}keys[{i}]";
            if (Keys[i] is not { } key)
            {
                errors.Add(new ValidationError(keyPath, "is required."));
                continue;
            }

            errors.AddRange(key.Validate(keyPath));
            if (key.Kid is not null && !kids.Add(key.Kid))
            {
                errors.Add(new ValidationError(keyPath + ".kid", $"duplicates kid '{key.Kid}'; every key needs its own kid."));
            }
        }

        if (RootCertificatesPem is not null)
        {
            for (var i = 0; i < RootCertificatesPem.Count; i++)
            {
                if (!Pem.LooksLike(RootCertificatesPem[i], "CERTIFICATE"))
                {
                    errors.Add(new ValidationError($"{prefix}rootCertificatesPem[{i}]", "must be one PEM CERTIFICATE block."));
                }
            }
        }

        return errors;
    }
}
