using CloudWg.Protocol.Validation;

namespace CloudWg.Protocol.Messages;

/// <summary>One peer as the node's WireGuard device reports it.</summary>
/// <param name="LastHandshake">Null when the peer never completed a handshake.</param>
/// <param name="Endpoint">The peer's current outer address (<c>203.0.113.5:51820</c>), or null when unknown.</param>
public sealed record PeerStats(string PublicKey, DateTimeOffset? LastHandshake, long RxBytes, long TxBytes, string? Endpoint)
{
    public IReadOnlyList<ValidationError> Validate(string path = "")
    {
        var errors = new List<ValidationError>();
        var prefix = path.Length == 0 ? string.Empty : path + ".";
        if (!WireGuardKey.IsValid(PublicKey))
        {
            errors.Add(new ValidationError(prefix + "publicKey", WireGuardKey.Rule + "."));
        }

        if (RxBytes < 0)
        {
            errors.Add(new ValidationError(prefix + "rxBytes", "must be 0 or more."));
        }

        if (TxBytes < 0)
        {
            errors.Add(new ValidationError(prefix + "txBytes", "must be 0 or more."));
        }

        if (Endpoint is not null && !HostPort.TryParseEndpoint(Endpoint, out _))
        {
            errors.Add(new ValidationError(prefix + "endpoint", "must be address:port or [ipv6]:port, or absent."));
        }

        return errors;
    }
}
