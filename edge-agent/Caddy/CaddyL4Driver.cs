using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Caddy;

/// <summary>
/// Applies the node's SNI routes as caddy-l4 servers through the admin API and reads them back for drift.
/// The agent owns only the <c>cloudwg-*</c> servers of <c>apps.layer4</c>.
/// </summary>
public sealed class CaddyL4Driver
{
    public const string App = "layer4";

    private readonly CaddyAdminClient _client;
    private readonly CaddyOwnedServers _servers;

    public CaddyL4Driver(CaddyAdminClient client)
    {
        _client = client;
        _servers = new CaddyOwnedServers(client, App);
    }

    /// <summary>Makes Caddy match <paramref name="spec"/>; returns the drift that was found and corrected.</summary>
    /// <exception cref="CaddyL4UnavailableException">Caddy lacks the layer4 app.</exception>
    /// <exception cref="CaddyAdminException">Caddy refused the config (and kept the previous one).</exception>
    /// <exception cref="ArgumentException">A route's port is taken by Caddy's http app (nothing is changed).</exception>
    public async Task<CaddyDriftReport> ApplyAsync(L4Spec spec, CancellationToken cancellationToken = default)
    {
        var desired = CaddyL4Renderer.RenderServers(spec);
        if (spec.Servers.Any(s => s.Routes.Count > 0)
            && CaddyL4Renderer.HttpPortConflict((await _client.GetConfigAsync(string.Empty, cancellationToken).ConfigureAwait(false)).Value, spec) is { } conflict)
        {
            throw new ArgumentException(conflict, nameof(spec));
        }

        try
        {
            return await _servers.ReconcileAsync(desired, cancellationToken).ConfigureAwait(false);
        }
        catch (CaddyAdminException e) when (e.CaddyMessage.Contains("unknown module: layer4", StringComparison.Ordinal))
        {
            throw new CaddyL4UnavailableException(_client.Address, e);
        }
    }

    /// <summary>Reports how the live layer4 servers differ from <paramref name="spec"/>, changing nothing.</summary>
    public Task<CaddyDriftReport> CheckDriftAsync(L4Spec spec, CancellationToken cancellationToken = default) =>
        _servers.CheckAsync(CaddyL4Renderer.RenderServers(spec), cancellationToken);
}
