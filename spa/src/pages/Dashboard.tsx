import { api, asList } from '../api/client';
import type { NodeDto, PeerDto } from '../api/types';
import { TrafficChart } from '../components/BarChart';
import { Link } from '../components/Link';
import { Empty, ErrorBanner, Loading, StatusBadge, useLoad } from '../components/ui';
import { useApp } from '../context';
import { formatBytes, handshakeFreshness, relativeTime } from '../format';
import { inSync, statusLabel, syncState } from '../nodeStatus';

interface NodeWithPeers {
  node: NodeDto;
  peers: PeerDto[];
}

async function loadFleet(): Promise<NodeWithPeers[]> {
  const nodes = asList<NodeDto>(await api.get('/api/nodes'));
  return Promise.all(nodes.map(async (node) => ({ node, peers: asList<PeerDto>(await api.get(`/api/nodes/${encodeURIComponent(node.id)}/peers`)) })));
}

export function Dashboard() {
  const { tick } = useApp();
  const { data, error, loading, reload } = useLoad(loadFleet, [tick]);
  if (!data && loading) return <Loading />;
  if (!data) return <ErrorBanner error={error} onRetry={reload} />;
  const now = Date.now();
  const online = data.filter((d) => statusLabel(d.node, now) === 'online').length;
  const peers = data.flatMap((d) => d.peers);
  const fresh = peers.filter((p) => handshakeFreshness(p.lastHandshakeAt, now) === 'fresh').length;
  const outOfSync = data.filter((d) => d.node.appliedVersion != null && !inSync(d.node)).length;
  const nodeTraffic = data.map((d) => ({
    label: d.node.name,
    rx: d.peers.reduce((s, p) => s + (p.rxBytes ?? 0), 0),
    tx: d.peers.reduce((s, p) => s + (p.txBytes ?? 0), 0),
  }));
  const peerTraffic = peers
    .map((p) => ({ label: p.name, rx: p.rxBytes ?? 0, tx: p.txBytes ?? 0 }))
    .filter((p) => p.rx + p.tx > 0)
    .sort((a, b) => b.rx + b.tx - (a.rx + a.tx))
    .slice(0, 10);
  return (
    <section>
      <h1>Dashboard</h1>
      <ErrorBanner error={error} onRetry={reload} />
      <div className="stats">
        <div className="stat">
          <span className="value" data-testid="nodes-online">
            {online}/{data.length}
          </span>
          <span className="label">nodes online</span>
        </div>
        <div className="stat">
          <span className="value">{outOfSync}</span>
          <span className="label">nodes applying changes</span>
        </div>
        <div className="stat">
          <span className="value" data-testid="peer-count">
            {peers.length}
          </span>
          <span className="label">peers</span>
        </div>
        <div className="stat">
          <span className="value">{fresh}</span>
          <span className="label">recent handshakes (3 min)</span>
        </div>
      </div>
      {data.length === 0 ? (
        <Empty title="No nodes yet">
          <Link to="/nodes">Add your first node</Link> and enroll it with the install command.
        </Empty>
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <caption className="sr-only">Nodes</caption>
              <thead>
                <tr>
                  <th scope="col">Node</th>
                  <th scope="col">Status</th>
                  <th scope="col">Version (desired / applied)</th>
                  <th scope="col">Last report</th>
                  <th scope="col">Peers</th>
                  <th scope="col">Handshakes</th>
                  <th scope="col">Traffic</th>
                </tr>
              </thead>
              <tbody>
                {data.map(({ node, peers: ps }) => {
                  const st = statusLabel(node, now);
                  const freshCount = ps.filter((p) => handshakeFreshness(p.lastHandshakeAt, now) === 'fresh').length;
                  const rx = ps.reduce((s, p) => s + (p.rxBytes ?? 0), 0);
                  const tx = ps.reduce((s, p) => s + (p.txBytes ?? 0), 0);
                  return (
                    <tr key={node.id}>
                      <td data-label="Node">
                        <Link to={`/nodes/${encodeURIComponent(node.id)}`}>{node.name}</Link>
                      </td>
                      <td data-label="Status">
                        <StatusBadge kind={st === 'online' ? 'ok' : st === 'not enrolled' ? 'muted' : 'bad'}>{st}</StatusBadge>
                      </td>
                      <td data-label="Version">
                        {node.desiredVersion ?? 0} / {node.appliedVersion ?? '—'}{' '}
                        <StatusBadge kind={syncState(node).kind}>{syncState(node).label}</StatusBadge>
                      </td>
                      <td data-label="Last report">
                        <time dateTime={node.lastSeenAt ?? undefined}>{relativeTime(node.lastSeenAt, now)}</time>
                      </td>
                      <td data-label="Peers">
                        {ps.filter((p) => p.enabled).length} enabled / {ps.length}
                      </td>
                      <td data-label="Handshakes">
                        {freshCount} fresh, {ps.length - freshCount} stale/never
                      </td>
                      <td data-label="Traffic">
                        ↓ {formatBytes(rx)} ↑ {formatBytes(tx)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <div className="charts">
            <TrafficChart title="Traffic per node" data={nodeTraffic} />
            <TrafficChart title="Top peers by traffic" data={peerTraffic} />
          </div>
        </>
      )}
    </section>
  );
}
