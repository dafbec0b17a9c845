namespace CloudWg.EdgeAgent.Caddy;

/// <summary>The Caddy the agent talks to was built without the layer4 app (caddy-l4).</summary>
public sealed class CaddyL4UnavailableException : CaddyAdminException
{
    public CaddyL4UnavailableException(string address, CaddyAdminException inner)
        : base($"The Caddy at {address} has no layer4 app, so SNI routes cannot be served. Install a Caddy built with github.com/mholt/caddy-l4 (e.g. xcaddy build --with github.com/mholt/caddy-l4). Caddy said: {inner.CaddyMessage}", inner)
    {
    }
}
