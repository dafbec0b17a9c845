using System.Security.Cryptography;

namespace CloudWg.Functions.Validation;

/// <summary>
/// Resource ids. A node id is <c>n</c> + 12 base32 characters (lowercase, so <c>node-&lt;id&gt;</c> is a valid
/// queue name). A child id embeds its node: <c>&lt;nodeId&gt;-p…</c> (peer), <c>-r…</c> (route), <c>-f…</c>
/// (firewall rule), so <c>/api/peers/{id}</c> finds the partition without an index.
/// </summary>
public static class ResourceIds
{
    public const char Peer = 'p';
    public const char Route = 'r';
    public const char FirewallRule = 'f';

    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string NewNodeId() => "n" + Random(12);

    public static string NewChildId(string nodeId, char kind) => $"{nodeId}-{kind}{Random(12)}";

    public static bool IsNodeId(string? id) => id is { Length: 13 } && id[0] == 'n' && id.Skip(1).All(Alphabet.Contains);

    /// <summary>The node a child id belongs to, or null when <paramref name="id"/> is not a child id of <paramref name="kind"/>.</summary>
    public static string? NodeOf(string? id, char kind)
    {
        if (id is not { Length: 27 } || id[13] != '-' || id[14] != kind || !IsNodeId(id[..13]) || !id[15..].All(Alphabet.Contains))
        {
            return null;
        }

        return id[..13];
    }

    private static string Random(int length)
    {
        Span<char> chars = stackalloc char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return new string(chars);
    }
}
