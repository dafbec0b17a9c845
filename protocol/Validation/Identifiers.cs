namespace CloudWg.Protocol.Validation;

/// <summary>Ids that travel in wire messages (node ids, route ids, rule ids).</summary>
public static class Identifiers
{
    /// <summary>The rule, phrased for an error message.</summary>
    public const string Rule = "must be 1–128 characters of letters, digits and . _ -";

    /// <summary>True for 1–128 characters of <c>[A-Za-z0-9._-]</c>.</summary>
    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 128)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
