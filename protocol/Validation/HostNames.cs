namespace CloudWg.Protocol.Validation;

/// <summary>DNS name rules (RFC 1123 labels) for TLS SNI routing and node host names.</summary>
public static class HostNames
{
    /// <summary>The SNI rule, phrased for an error message.</summary>
    public const string SniRule =
        "must be a DNS name such as app.example.com (letters, digits, hyphens; at least two labels; a wildcard only as the whole left-most label, *.example.com)";

    /// <summary>
    /// True for a name a TLS client may send as SNI and Caddy may match: at least two labels of 1–63 letters, digits
    /// and inner hyphens, at most 253 characters, no trailing dot, not an IP address; <c>*</c> is allowed only as the
    /// entire left-most label (<c>*.example.com</c>, not <c>a*.example.com</c> or <c>*.com</c>). Case-insensitive;
    /// the desired state additionally requires lower case.
    /// </summary>
    public static bool IsValidSni(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 253)
        {
            return false;
        }

        var labels = name.Split('.');
        var start = 0;
        if (labels[0] == "*")
        {
            start = 1;
            if (labels.Length < 3)
            {
                return false;
            }
        }

        if (labels.Length - start < 2)
        {
            return false;
        }

        for (var i = start; i < labels.Length; i++)
        {
            if (!IsValidLabel(labels[i]))
            {
                return false;
            }
        }

        // The top-level label is never all digits; this also rules out IPv4 literals (SNI never carries IPs).
        return !labels[^1].All(char.IsAsciiDigit);
    }

    /// <summary>True for a host name (one or more labels, no wildcard, at most 253 characters, no trailing dot).</summary>
    public static bool IsValidHostName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 253)
        {
            return false;
        }

        foreach (var label in name.Split('.'))
        {
            if (!IsValidLabel(label))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True for one DNS label: 1–63 ASCII letters, digits or hyphens, not starting or ending with a hyphen.</summary>
    public static bool IsValidLabel(string? label)
    {
        if (string.IsNullOrEmpty(label) || label.Length > 63 || label[0] == '-' || label[^1] == '-')
        {
            return false;
        }

        foreach (var c in label)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }
}
