using System.Net;
using System.Net.Sockets;
using CloudWg.Protocol.Validation;

namespace CloudWg.Functions.Validation;

/// <summary>
/// Checks for the API's field formats. Each returns null when the value is fine, otherwise a sentence saying
/// what to send instead. Wire formats shared with the agent (keys, CIDRs, SNI, ports, listeners) use the
/// protocol library's rules, so both ends agree on exactly one definition.
/// </summary>
public static class FieldChecks
{
    public static string? DisplayName(string value) =>
        value.Trim().Length == 0 ? "must not be empty." : value.Length > 64 ? "must be at most 64 characters." : null;

    public static string? WireGuardKey(string value) => Protocol.Validation.WireGuardKey.IsValid(value)
        ? null
        : Protocol.Validation.WireGuardKey.Rule + ", as `wg pubkey` or `wg genpsk` prints.";

    /// <summary>A canonical CIDR of any family (host bits zero, shortest text).</summary>
    public static string? Cidr(string value) => Protocol.Validation.Cidr.Check(value, out _) is { } problem ? problem + "." : null;

    /// <summary>An SNI name; upper case is accepted here and stored in lower case (names are case-insensitive).</summary>
    public static string? Sni(string value) => HostNames.IsValidSni(value.ToLowerInvariant()) ? null : HostNames.SniRule + ".";

    public static string? PortOrRange(string value) => PortRange.TryParse(value, out _) ? null : PortRange.Rule + ".";

    /// <summary>A host name or an IP address clients can dial.</summary>
    public static string? Endpoint(string value) =>
        IsIpAddress(value) || (HostNames.IsValidHostName(value) && value.Contains('.', StringComparison.Ordinal))
            ? null
            : "must be a public DNS host name (vpn.example.com) or an IP address, without a port.";

    public static string? IpAddress(string value) => IsIpAddress(value)
        ? null
        : "must be an IP address in canonical form, such as 1.1.1.1 or 2606:4700:4700::1111.";

    /// <summary>A layer-4 listen address: <c>:443</c>, <c>0.0.0.0:443</c> or <c>[::]:443</c>.</summary>
    public static string? ListenAddress(string value) => HostPort.TryParseListen(value, out _, out _)
        ? null
        : "must be a listen address such as :443, 0.0.0.0:443 or [::]:443.";

    /// <summary>True for the canonical text of an IP address (rejects "10.1", "010.0.0.1", zone ids).</summary>
    public static bool IsIpAddress(string value, AddressFamily? family = null) =>
        IPAddress.TryParse(value, out var address) && address.ToString() == value && !value.Contains('%', StringComparison.Ordinal)
        && (family is null || address.AddressFamily == family);
}
