using System.Net;

namespace CloudWg.EdgeAgent.Caddy;

/// <summary>Caddy's admin API refused a request; <see cref="CaddyMessage"/> is Caddy's own explanation.</summary>
public class CaddyAdminException : Exception
{
    public CaddyAdminException(HttpStatusCode statusCode, string caddyMessage, string operation)
        : base($"Caddy admin API {operation} failed with {(int)statusCode}: {caddyMessage}")
    {
        StatusCode = statusCode;
        CaddyMessage = caddyMessage;
    }

    public CaddyAdminException(string message, Exception? inner = null)
        : base(message, inner)
    {
        CaddyMessage = message;
    }

    public HttpStatusCode? StatusCode { get; }

    public string CaddyMessage { get; }

    /// <summary>412: the config changed since the ETag in If-Match was read.</summary>
    public bool IsPreconditionFailed => StatusCode == HttpStatusCode.PreconditionFailed;
}
