using System.Diagnostics.CodeAnalysis;

namespace CloudWg.EdgeAgent.WireGuard;

/// <summary>A 32-byte WireGuard key (private, public or preshared), compared by value.</summary>
public readonly struct WgKey : IEquatable<WgKey>
{
    /// <summary>Length of every WireGuard key in bytes.</summary>
    public const int Length = 32;

    private readonly string? base64;

    private WgKey(string base64) => this.base64 = base64;

    /// <summary>The all-zero key, which UAPI uses to mean "no preshared key".</summary>
    public static WgKey Zero { get; } = new(Convert.ToBase64String(new byte[Length]));

    /// <summary>True for the all-zero key (and for <c>default</c>).</summary>
    public bool IsZero => base64 is null || base64 == Zero.base64;

    /// <summary>Parses standard base64 (the form `wg` and the protocol use).</summary>
    public static WgKey Parse(string base64) =>
        TryParse(base64, out var key) ? key : throw new FormatException("A WireGuard key must be 32 bytes of standard base64.");

    public static bool TryParse([NotNullWhen(true)] string? base64, out WgKey key)
    {
        key = default;
        if (base64 is null || base64.Length != 44)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[Length + 2];
        if (!Convert.TryFromBase64String(base64, buffer, out var written) || written != Length)
        {
            return false;
        }

        // Round-trip so that non-canonical padding bits do not create two spellings of one key.
        key = new WgKey(Convert.ToBase64String(buffer[..Length]));
        return key.base64 == base64;
    }

    /// <summary>Parses the lowercase hex form that UAPI uses.</summary>
    public static WgKey FromHex(string hex)
    {
        if (hex.Length != Length * 2)
        {
            throw new FormatException("A UAPI key must be 64 hex characters.");
        }

        return FromBytes(Convert.FromHexString(hex));
    }

    public static WgKey FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new FormatException("A WireGuard key must be 32 bytes.");
        }

        return new WgKey(Convert.ToBase64String(bytes));
    }

    public byte[] ToBytes() => Convert.FromBase64String(base64 ?? Zero.base64!);

    public string ToHex() => Convert.ToHexStringLower(ToBytes());

    /// <summary>Standard base64, as `wg` prints it.</summary>
    public override string ToString() => base64 ?? Zero.base64!;

    public bool Equals(WgKey other) => ToString() == other.ToString();

    public override bool Equals(object? obj) => obj is WgKey other && Equals(other);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    public static bool operator ==(WgKey left, WgKey right) => left.Equals(right);

    public static bool operator !=(WgKey left, WgKey right) => !left.Equals(right);
}
