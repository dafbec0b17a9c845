using CloudWg.Protocol.Validation;

namespace CloudWg.Protocol.Messages;

/// <summary>Checks shared by the wire messages' Validate methods.</summary>
internal static class MessageRules
{
    public static void Id(List<ValidationError> errors, string path, string? value)
    {
        if (!Identifiers.IsValid(value))
        {
            errors.Add(new ValidationError(path, Identifiers.Rule + "."));
        }
    }

    public static void Text(List<ValidationError> errors, string path, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new ValidationError(path, "is required."));
        }
        else if (value.Length > maxLength || value.Any(char.IsControl))
        {
            errors.Add(new ValidationError(path, $"must be at most {maxLength} characters without control characters."));
        }
    }

    public static void Version(List<ValidationError> errors, string path, long version)
    {
        if (version < 1)
        {
            errors.Add(new ValidationError(path, "must be 1 or more."));
        }
    }

    public static void Time(List<ValidationError> errors, string path, DateTimeOffset value)
    {
        if (value == default)
        {
            errors.Add(new ValidationError(path, "is required."));
        }
    }

    public static void Csr(List<ValidationError> errors, string path, string? csr)
    {
        if (!Pem.LooksLike(csr, "CERTIFICATE REQUEST"))
        {
            errors.Add(new ValidationError(path, "must be one PEM CERTIFICATE REQUEST block (PKCS#10)."));
        }
    }

    public static void CertificateChain(List<ValidationError> errors, string path, IReadOnlyList<string>? chain)
    {
        if (chain is null || chain.Count == 0)
        {
            errors.Add(new ValidationError(path, "must hold the node certificate first, then its issuers."));
            return;
        }

        for (var i = 0; i < chain.Count; i++)
        {
            if (!Pem.LooksLike(chain[i], "CERTIFICATE"))
            {
                errors.Add(new ValidationError($"{path}[{i}]", "must be one PEM CERTIFICATE block."));
            }
        }
    }

    public static void Nested(List<ValidationError> errors, string path, IReadOnlyList<ValidationError> nested)
    {
        foreach (var error in nested)
        {
            errors.Add(new ValidationError(error.Path.Length == 0 ? path : $"{path}.{error.Path}", error.Message));
        }
    }
}
