import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client';
import type { EnrollmentDto, NodeDto } from '../api/types';
import { Link } from '../components/Link';
import { ConflictBanner, CopyButton, ErrorBanner, Loading, StatusBadge, useLoad } from '../components/ui';
import { useEditor } from '../components/useEditor';
import { canWrite, useApp } from '../context';
import { relativeTime } from '../format';
import { statusLabel, syncState } from '../nodeStatus';
import { navigate } from '../router';
import { draftToNodeBody, generalErrors, NodeFields, nodeFields, nodeToDraft } from './NodeForm';
import { PeersTab } from './Peers';
import { RoutesTab } from './Routes';
import { FirewallTab } from './Firewall';

const tabs = [
  ['peers', 'Peers'],
  ['routes', 'L4 routes'],
  ['firewall', 'Firewall'],
  ['enrollment', 'Enrollment'],
  ['desired', 'Desired state'],
  ['settings', 'Settings'],
] as const;

export function NodeDetail({ id, tab }: { id: string; tab: string }) {
  const { tick } = useApp();
  const url = `/api/nodes/${encodeURIComponent(id)}`;
  const { data: node, error, loading, reload } = useLoad(() => api.get<NodeDto>(url), [url, tick]);
  if (!node && loading) return <Loading />;
  if (!node) {
    return (
      <section>
        <p>
          <Link to="/nodes">← Nodes</Link>
        </p>
        <ErrorBanner error={error} onRetry={reload} />
      </section>
    );
  }
  const st = statusLabel(node);
  const current = tabs.some(([k]) => k === tab) ? tab : 'peers';
  return (
    <section>
      <p>
        <Link to="/nodes">← Nodes</Link>
      </p>
      <div className="title-row">
        <h1>{node.name}</h1>
        <StatusBadge kind={st === 'online' ? 'ok' : st === 'not enrolled' ? 'muted' : 'bad'}>{st}</StatusBadge>
      </div>
      <p className="muted">
        {node.endpoint}:{node.listenPort} · {[node.ipv4Network, node.ipv6Network].filter(Boolean).join(', ')} · version {node.desiredVersion ?? 0} desired / {node.appliedVersion ?? '—'} applied{' '}
        <StatusBadge kind={syncState(node).kind}>{syncState(node).label}</StatusBadge> · last report {relativeTime(node.lastSeenAt)}
      </p>
      <p className="muted" data-testid="node-routing">
        {node.egress ? `Exit node: peers reach the internet through it${node.egressInterface ? ` (via ${node.egressInterface})` : ''}` : 'No internet egress: clients get split-tunnel configs'} ·
        between peers: {node.firewallPolicy?.forward === 'accept' ? 'allowed' : `${node.firewallPolicy?.forward ?? 'drop'} unless a forward rule allows`} · L4 proxy:{' '}
        {node.l4Proxy ? (node.l4Proxy === 'none' ? 'none (SNI routes carry no traffic)' : node.l4Proxy) : 'not reported yet'}
      </p>
      <div className="tabs" role="tablist" aria-label="Node sections">
        {tabs.map(([k, label]) => (
          <button
            key={k}
            type="button"
            role="tab"
            id={`tab-${k}`}
            aria-selected={current === k}
            aria-controls="tabpanel"
            tabIndex={current === k ? 0 : -1}
            className={current === k ? 'active' : undefined}
            onClick={() => navigate(`/nodes/${encodeURIComponent(id)}?tab=${k}`, { replace: true })}
            onKeyDown={(e) => {
              const i = tabs.findIndex(([x]) => x === current);
              const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
              if (step) {
                const next = tabs[(i + step + tabs.length) % tabs.length][0];
                navigate(`/nodes/${encodeURIComponent(id)}?tab=${next}`, { replace: true });
                setTimeout(() => document.getElementById(`tab-${next}`)?.focus(), 0);
              }
            }}
          >
            {label}
          </button>
        ))}
      </div>
      <div id="tabpanel" role="tabpanel" aria-labelledby={`tab-${current}`}>
        {current === 'peers' && <PeersTab node={node} />}
        {current === 'routes' && <RoutesTab node={node} />}
        {current === 'firewall' && <FirewallTab node={node} />}
        {current === 'enrollment' && <Enrollment node={node} onChanged={reload} />}
        {current === 'desired' && <DesiredState node={node} />}
        {current === 'settings' && <NodeSettings key={node.id} node={node} />}
      </div>
    </section>
  );
}

function Enrollment({ node, onChanged }: { node: NodeDto; onChanged: () => void }) {
  const { me } = useApp();
  const [enrollment, setEnrollment] = useState<EnrollmentDto | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const base = `/api/nodes/${encodeURIComponent(node.id)}`;
  async function create() {
    setBusy(true);
    setError(null);
    try {
      const e = await api.post<EnrollmentDto & { command?: string }>(`${base}/enrollment`);
      setEnrollment({ ...e, installCommand: e.installCommand ?? e.command ?? '' });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  async function revoke() {
    if (!window.confirm(`Revoke node "${node.name}"? Its certificate and storage access stop working at once; re-enrolling needs a new token.`)) return;
    setBusy(true);
    setError(null);
    try {
      await api.post(`${base}/revoke`);
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div>
      <h2>Enroll this node</h2>
      <p>Create a single-use token, then run the install command on the server as root. The agent makes its own keys; they never leave the server.</p>
      {node.publicKey && (
        <p>
          Node WireGuard public key: <code>{node.publicKey}</code>
        </p>
      )}
      {canWrite(me) && (
        <div className="row">
          <button type="button" onClick={create} disabled={busy}>
            {enrollment ? 'Create a new token' : 'Create enrollment token'}
          </button>
          <button type="button" className="danger" onClick={revoke} disabled={busy}>
            Revoke node
          </button>
        </div>
      )}
      {enrollment && (
        <div className="card">
          <label htmlFor="install-command">Install command{enrollment.expiresAt ? ` (token valid until ${new Date(enrollment.expiresAt).toLocaleString()})` : ''}</label>
          <pre id="install-command" className="command" data-testid="install-command" tabIndex={0}>
            {enrollment.installCommand}
          </pre>
          <CopyButton text={enrollment.installCommand} label="Copy command" />
          {enrollment.enrollCommand && (
            <>
              <label htmlFor="enroll-command">Agent already installed? Enroll with</label>
              <pre id="enroll-command" className="command" tabIndex={0}>
                {enrollment.enrollCommand}
              </pre>
              <CopyButton text={enrollment.enrollCommand} label="Copy enroll command" />
            </>
          )}
        </div>
      )}
      <ErrorBanner error={error} />
    </div>
  );
}

function DesiredState({ node }: { node: NodeDto }) {
  const { tick } = useApp();
  const { data, error, loading, reload } = useLoad(() => api.get<unknown>(`/api/nodes/${encodeURIComponent(node.id)}/desired-state`), [node.id, tick]);
  if (!data && loading) return <Loading />;
  if (error instanceof ApiError && error.status === 404) return <p>Nothing has been published for this node yet.</p>;
  return (
    <div>
      <p>What the node is told to apply (decoded and verified by the control plane). Private keys never appear here: peers are public keys only.</p>
      <ErrorBanner error={error} onRetry={reload} />
      {data !== undefined && <DesiredSummary data={data} />}
      {data !== undefined && (
        <pre className="json" data-testid="desired-state" tabIndex={0}>
          {JSON.stringify(data, null, 2)}
        </pre>
      )}
    </div>
  );
}

interface Preview {
  version?: number;
  publishedAt?: string;
  inSync?: boolean;
  desiredState?: { wireguard?: { peers?: unknown[] }; l4?: { servers?: { routes?: unknown[] }[] }; firewall?: { rules?: unknown[] } };
}

function DesiredSummary({ data }: { data: unknown }) {
  const p = (data ?? {}) as Preview;
  const d = p.desiredState ?? (data as Preview['desiredState']);
  if (!d) return null;
  const routes = (d.l4?.servers ?? []).reduce((s, x) => s + (x.routes?.length ?? 0), 0);
  return (
    <dl className="summary">
      {p.version !== undefined && (
        <>
          <dt>Version</dt>
          <dd>{p.version}</dd>
        </>
      )}
      {p.publishedAt && (
        <>
          <dt>Published</dt>
          <dd>{new Date(p.publishedAt).toLocaleString()}</dd>
        </>
      )}
      {p.inSync !== undefined && (
        <>
          <dt>Matches current settings</dt>
          <dd>{p.inSync ? 'yes' : 'no — a newer version is being published'}</dd>
        </>
      )}
      <dt>Peers</dt>
      <dd>{d.wireguard?.peers?.length ?? 0}</dd>
      <dt>L4 routes</dt>
      <dd>{routes}</dd>
      <dt>Firewall rules</dt>
      <dd>{d.firewall?.rules?.length ?? 0}</dd>
    </dl>
  );
}

function NodeSettings({ node }: { node: NodeDto }) {
  const { me } = useApp();
  const url = `/api/nodes/${encodeURIComponent(node.id)}`;
  const ed = useEditor<NodeDto, ReturnType<typeof nodeToDraft>>(node, nodeToDraft, url);
  const [saved, setSaved] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    if (await ed.save(draftToNodeBody(ed.draft))) setSaved(true);
  }
  async function remove() {
    if (!window.confirm(`Delete node "${node.name}" and all its peers, routes and rules?`)) return;
    try {
      await api.del(url, ed.base.etag);
      navigate('/nodes');
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        ed.setError(new Error('The node was changed by someone else. Reload it and try again.'));
      } else ed.setError(e);
    }
  }
  const general = generalErrors(ed.fieldErrors, nodeFields);
  return (
    <form onSubmit={submit} noValidate>
      {ed.conflict && <ConflictBanner what="node" onReload={() => void ed.reloadLatest(true)} onDiscard={() => void ed.reloadLatest(false)} />}
      {ed.changedOnServer.length > 0 && <p className="banner info">Latest version loaded. Changed by the other person: {ed.changedOnServer.join(', ')}.</p>}
      <fieldset disabled={!canWrite(me)}>
        <NodeFields draft={ed.draft} onChange={ed.setDraft} errors={ed.fieldErrors} />
      </fieldset>
      {general.length > 0 && <div className="banner error">{general.join(' ')}</div>}
      <ErrorBanner error={ed.error} />
      {saved && <p role="status">Saved.</p>}
      {canWrite(me) && (
        <div className="row">
          <button type="submit" disabled={ed.busy}>
            Save node
          </button>
          <button type="button" className="danger" onClick={remove}>
            Delete node
          </button>
        </div>
      )}
    </form>
  );
}
