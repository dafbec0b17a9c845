namespace CloudWg.Protocol.Jws;

/// <summary>What a <c>kid</c> may look like: 1–128 characters of <c>[A-Za-z0-9._:~-]</c> (thumbprints, node ids, versions).</summary>
public static class KeyIds
{
    /// <summary>The rule, phrased for an error message.</summary>
    public const string Rule = "must be 1–128 characters of letters, digits and . _ : ~ -";

    public static bool IsValid(string? kid)
    {
        if (string.IsNullOrEmpty(kid) || kid.Length > 128)
        {
            return false;
        }

        foreach (var c in kid)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or ':' or '~' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
