using System.Globalization;

namespace CloudWg.Protocol.Validation;

/// <summary>A port or an inclusive port range as written in firewall rules: <c>"443"</c> or <c>"8000-8100"</c>.</summary>
public readonly record struct PortRange(int Low, int High)
{
    /// <summary>The rule, phrased for an error message.</summary>
    public const string Rule = "must be a port (1–65535) or a range low-high with low ≤ high, e.g. 443 or 8000-8100";

    /// <summary>True for 1–65535.</summary>
    public static bool IsValidPort(int port) => port is >= 1 and <= 65535;

    /// <summary>Parses <c>"443"</c> or <c>"8000-8100"</c>: decimal without sign or leading zeros, 1–65535, low ≤ high.</summary>
    public static bool TryParse(string? text, out PortRange range)
    {
        range = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            if (!TryParsePort(text, out var port))
            {
                return false;
            }

            range = new PortRange(port, port);
            return true;
        }

        if (!TryParsePort(text.AsSpan(0, dash), out var low) || !TryParsePort(text.AsSpan(dash + 1), out var high) || low > high)
        {
            return false;
        }

        range = new PortRange(low, high);
        return true;
    }

    /// <summary>Parses one port: 1–5 ASCII digits, no leading zero, 1–65535.</summary>
    public static bool TryParsePort(ReadOnlySpan<char> text, out int port)
    {
        port = 0;
        if (text.IsEmpty || text.Length > 5 || text[0] == '0')
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && IsValidPort(port);
    }

    /// <summary>True when the ranges share a port.</summary>
    public bool Overlaps(PortRange other) => Low <= other.High && other.Low <= High;

    /// <summary><c>"443"</c> for a single port, else <c>"8000-8100"</c>.</summary>
    public override string ToString() =>
        Low == High ? Low.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{Low}-{High}");
}
