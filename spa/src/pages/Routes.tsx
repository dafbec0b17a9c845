import { useState } from 'react';
import { api, asList } from '../api/client';
import type { NodeDto, PeerDto, RouteDto } from '../api/types';
import { deleteWithEtag, ResourceModal } from '../components/ResourceModal';
import { CheckboxField, Empty, ErrorBanner, Loading, SelectField, StatusBadge, TextField, useLoad } from '../components/ui';
import { canWrite, useApp } from '../context';
import { splitList } from '../format';

interface RouteDraft {
  sni: string;
  peerId: string;
  port: string;
  proxyProtocol: 'none' | 'v1' | 'v2';
  enabled: boolean;
}

export const routeFields = ['sni', 'peerId', 'port', 'proxyProtocol', 'enabled'] as const;

export function routeBody(d: RouteDraft): Record<string, unknown> {
  const port = Number(d.port);
  return { sni: splitList(d.sni), peerId: d.peerId, port: d.port.trim() === '' ? null : Number.isFinite(port) ? port : d.port, proxyProtocol: d.proxyProtocol, enabled: d.enabled };
}

export function RoutesTab({ node }: { node: NodeDto }) {
  const { tick, me } = useApp();
  const base = `/api/nodes/${encodeURIComponent(node.id)}`;
  const { data, error, loading, reload } = useLoad(
    async () => {
      const [routes, peers] = await Promise.all([api.get(`${base}/routes`), api.get(`${base}/peers`)]);
      return { routes: asList<RouteDto>(routes), peers: asList<PeerDto>(peers) };
    },
    [base, tick],
  );
  const [editing, setEditing] = useState<RouteDto | 'new' | null>(null);
  const [rowError, setRowError] = useState<unknown>(null);
  const peerName = (id: string) => data?.peers.find((p) => p.id === id)?.name ?? id;
  return (
    <div>
      <p className="muted">TLS connections to the node's L4 listener ({(node.l4Listen ?? [':443']).join(', ')}) are passed through by SNI to a peer, without terminating TLS.</p>
      {canWrite(me) && (
        <button type="button" onClick={() => setEditing('new')}>
          Add route
        </button>
      )}
      <ErrorBanner error={rowError ?? error} onRetry={error ? reload : undefined} />
      {!data && loading && <Loading />}
      {data && data.routes.length === 0 && <Empty title="No L4 routes">Add one to publish a service that runs behind a peer.</Empty>}
      {data && data.routes.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Host names (SNI)</th>
                <th scope="col">Peer</th>
                <th scope="col">Port</th>
                <th scope="col">PROXY protocol</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.routes.map((r) => (
                <tr key={r.id}>
                  <td data-label="SNI">{r.sni.join(', ')}</td>
                  <td data-label="Peer">{peerName(r.peerId)}</td>
                  <td data-label="Port">{r.port}</td>
                  <td data-label="PROXY">{r.proxyProtocol}</td>
                  <td data-label="State">{r.enabled ? <StatusBadge kind="ok">enabled</StatusBadge> : <StatusBadge kind="muted">disabled</StatusBadge>}</td>
                  <td className="actions">
                    {canWrite(me) && (
                      <>
                        <button type="button" className="secondary" onClick={() => setEditing(r)} aria-label={`Edit route ${r.sni.join(', ')}`}>
                          Edit
                        </button>
                        <button
                          type="button"
                          className="danger"
                          aria-label={`Delete route ${r.sni.join(', ')}`}
                          onClick={async () => {
                            if (!window.confirm(`Delete the route for ${r.sni.join(', ')}?`)) return;
                            setRowError(null);
                            try {
                              await deleteWithEtag(`/api/routes/${encodeURIComponent(r.id)}`, r.etag, 'route');
                            } catch (e) {
                              setRowError(e);
                            }
                            reload();
                          }}
                        >
                          Delete
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && data && (
        <ResourceModal<RouteDto, RouteDraft>
          what="route"
          fields={routeFields}
          createUrl={`${base}/routes`}
          itemUrl={(id) => `/api/routes/${encodeURIComponent(id)}`}
          existing={editing === 'new' ? null : editing}
          emptyDraft={{ sni: '', peerId: data.peers[0]?.id ?? '', port: '443', proxyProtocol: 'none', enabled: true }}
          toDraft={(r) => ({ sni: r.sni.join(', '), peerId: r.peerId, port: String(r.port), proxyProtocol: r.proxyProtocol, enabled: r.enabled })}
          toBody={routeBody}
          onClose={() => {
            setEditing(null);
            reload();
          }}
          render={(d, set, e) => <RouteFields draft={d} setDraft={set} errors={e} peers={data.peers} />}
        />
      )}
    </div>
  );
}

export function RouteFields({ draft, setDraft, errors, peers }: { draft: RouteDraft; setDraft: (d: RouteDraft) => void; errors: Record<string, string[]>; peers: PeerDto[] }) {
  return (
    <>
      <TextField label="Host names (SNI)" name="sni" value={draft.sni} onChange={(v) => setDraft({ ...draft, sni: v })} errors={errors.sni} hint="Comma-separated; a wildcard only as the left-most label (*.example.com)." />
      <SelectField
        label="Peer"
        name="peerId"
        value={draft.peerId}
        onChange={(v) => setDraft({ ...draft, peerId: v })}
        errors={errors.peerId}
        options={[{ value: '', label: peers.length ? 'Choose a peer…' : 'No peers on this node' }, ...peers.map((p) => ({ value: p.id, label: `${p.name} (${(p.addresses ?? []).join(', ')})` }))]}
      />
      <TextField label="Upstream port on the peer" name="port" value={draft.port} onChange={(v) => setDraft({ ...draft, port: v })} errors={errors.port} inputMode="numeric" />
      <SelectField
        label="PROXY protocol"
        name="proxyProtocol"
        value={draft.proxyProtocol}
        onChange={(v) => setDraft({ ...draft, proxyProtocol: v })}
        errors={errors.proxyProtocol}
        options={[
          { value: 'none', label: 'none' },
          { value: 'v1', label: 'v1' },
          { value: 'v2', label: 'v2' },
        ]}
      />
      <CheckboxField label="Enabled" checked={draft.enabled} onChange={(v) => setDraft({ ...draft, enabled: v })} errors={errors.enabled} />
    </>
  );
}
