namespace CloudWg.Protocol.Validation;

/// <summary>Linux network interface names as the agent may create them.</summary>
public static class InterfaceNames
{
    /// <summary>The rule, phrased for an error message.</summary>
    public const string Rule = "must be 1–15 characters of letters, digits and _ = + . - (not '.' or '..')";

    /// <summary>True for 1–15 characters of <c>[a-zA-Z0-9_=+.-]</c>, excluding "." and ".." (IFNAMSIZ, and what wg-quick allows).</summary>
    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 15 || name is "." or "..")
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '=' or '+' or '.' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
