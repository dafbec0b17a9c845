import { useMemo, useState, type FormEvent } from 'react';
import { api, ApiError, asList, errorsByField, type FieldErrors } from '../api/client';
import type { NodeDto, PeerDto } from '../api/types';
import { QrCode } from '../components/QrCode';
import { CheckboxField, ConflictBanner, Empty, ErrorBanner, FormActions, Loading, Modal, SelectField, StatusBadge, TextField, useLoad } from '../components/ui';
import { useEditor } from '../components/useEditor';
import { canWrite, useApp } from '../context';
import { buildClientConfig, configFileName, type TunnelMode } from '../crypto/config';
import { generateKeyPair, generatePresharedKey, isWireGuardKey } from '../crypto/keys';
import { formatBytes, fromLocalInput, handshakeFreshness, isExpired, relativeTime, splitList, toLocalInput } from '../format';

type Filter = 'all' | 'enabled' | 'disabled' | 'expired' | 'active';

export function PeersTab({ node }: { node: NodeDto }) {
  const { tick, me } = useApp();
  const { data, error, loading, reload } = useLoad(async () => asList<PeerDto>(await api.get(`/api/nodes/${encodeURIComponent(node.id)}/peers`)), [node.id, tick]);
  const [query, setQuery] = useState('');
  const [filter, setFilter] = useState<Filter>('all');
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<PeerDto | null>(null);
  const [rowError, setRowError] = useState<unknown>(null);
  const writable = canWrite(me);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    const now = Date.now();
    return (data ?? []).filter((p) => {
      if (q && ![p.name, p.publicKey, p.notes ?? '', ...(p.addresses ?? []), p.endpoint ?? ''].some((s) => s.toLowerCase().includes(q))) return false;
      if (filter === 'enabled') return p.enabled && !isExpired(p.expiresAt, now);
      if (filter === 'disabled') return !p.enabled;
      if (filter === 'expired') return isExpired(p.expiresAt, now);
      if (filter === 'active') return handshakeFreshness(p.lastHandshakeAt, now) === 'fresh';
      return true;
    });
  }, [data, query, filter]);

  async function toggle(p: PeerDto) {
    setRowError(null);
    try {
      await api.patch(`/api/peers/${encodeURIComponent(p.id)}`, { enabled: !p.enabled }, p.etag);
      reload();
    } catch (e) {
      setRowError(e instanceof ApiError && e.status === 412 ? new Error(`Peer "${p.name}" was changed by someone else. The list has been reloaded; try again.`) : e);
      reload();
    }
  }

  async function remove(p: PeerDto) {
    if (!window.confirm(`Delete peer "${p.name}"? Its device loses access at once.`)) return;
    setRowError(null);
    try {
      await api.del(`/api/peers/${encodeURIComponent(p.id)}`, p.etag);
      reload();
    } catch (e) {
      setRowError(e instanceof ApiError && e.status === 412 ? new Error(`Peer "${p.name}" was changed by someone else. The list has been reloaded; check it and try again.`) : e);
      reload();
    }
  }

  return (
    <div>
      <div className="toolbar">
        <div className="field inline">
          <label htmlFor="peer-search">Search peers</label>
          <input id="peer-search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="name, address, key…" />
        </div>
        <SelectField<Filter>
          label="Show"
          value={filter}
          onChange={setFilter}
          options={[
            { value: 'all', label: 'All peers' },
            { value: 'enabled', label: 'Enabled' },
            { value: 'disabled', label: 'Disabled' },
            { value: 'expired', label: 'Expired' },
            { value: 'active', label: 'Handshake in last 3 min' },
          ]}
        />
        {writable && (
          <button type="button" onClick={() => setCreating(true)}>
            Add peer
          </button>
        )}
      </div>
      <ErrorBanner error={rowError ?? error} onRetry={error ? reload : undefined} />
      {!data && loading && <Loading />}
      {data && data.length === 0 && <Empty title="No peers on this node yet">Add a peer: its keys are made in your browser and the private key never leaves it.</Empty>}
      {data && data.length > 0 && shown.length === 0 && <Empty title="No peers match">Change the search or the filter.</Empty>}
      {shown.length > 0 && (
        <div className="table-wrap">
          <table className="peers">
            <caption className="sr-only">Peers of {node.name}</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Addresses</th>
                <th scope="col">State</th>
                <th scope="col">Last handshake</th>
                <th scope="col">Endpoint</th>
                <th scope="col">Received / sent</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((p) => {
                const expired = isExpired(p.expiresAt);
                const fresh = handshakeFreshness(p.lastHandshakeAt);
                return (
                  <tr key={p.id} data-peer={p.name}>
                    <td data-label="Name">
                      <strong>{p.name}</strong>
                      {p.notes && <div className="muted small">{p.notes}</div>}
                    </td>
                    <td data-label="Addresses">{(p.addresses ?? []).join(', ')}</td>
                    <td data-label="State">
                      {expired ? <StatusBadge kind="bad">expired</StatusBadge> : p.enabled ? <StatusBadge kind="ok">enabled</StatusBadge> : <StatusBadge kind="muted">disabled</StatusBadge>}
                      {p.expiresAt && !expired && <div className="muted small">expires {relativeTime(p.expiresAt)}</div>}
                    </td>
                    <td data-label="Last handshake">
                      <span className={`fresh-${fresh}`}>{relativeTime(p.lastHandshakeAt)}</span>
                    </td>
                    <td data-label="Endpoint">{p.endpoint ?? '—'}</td>
                    <td data-label="Received / sent">
                      {formatBytes(p.rxBytes)} / {formatBytes(p.txBytes)}
                    </td>
                    <td className="actions">
                      {writable && (
                        <>
                          <button type="button" className="secondary" onClick={() => setEditing(p)} aria-label={`Edit ${p.name}`}>
                            Edit
                          </button>
                          <button type="button" className="secondary" onClick={() => void toggle(p)} aria-label={`${p.enabled ? 'Disable' : 'Enable'} ${p.name}`}>
                            {p.enabled ? 'Disable' : 'Enable'}
                          </button>
                          <button type="button" className="danger" onClick={() => void remove(p)} aria-label={`Delete ${p.name}`}>
                            Delete
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {creating && (
        <CreatePeer
          node={node}
          onClose={() => {
            setCreating(false);
            reload();
          }}
        />
      )}
      {editing && (
        <EditPeer
          key={editing.id}
          peer={editing}
          onClose={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
    </div>
  );
}

const peerFields = ['name', 'publicKey', 'presharedKey', 'addresses', 'allowedIps', 'persistentKeepalive', 'enabled', 'expiresAt', 'notes'] as const;

function optionalNumber(s: string): number | string | null {
  if (!s.trim()) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : s;
}

export function CreatePeer({ node, onClose }: { node: NodeDto; onClose: () => void }) {
  // Made once per dialog, in memory only: never stored, never sent.
  const [keys] = useState(generateKeyPair);
  const [keySource, setKeySource] = useState<'browser' | 'own'>('browser');
  const [ownKey, setOwnKey] = useState('');
  const [name, setName] = useState('');
  const [addresses, setAddresses] = useState('');
  const [allowedIps, setAllowedIps] = useState('');
  const [keepalive, setKeepalive] = useState('');
  const [expiresAt, setExpiresAt] = useState('');
  const [notes, setNotes] = useState('');
  const [usePsk, setUsePsk] = useState(true);
  // Full tunnel only through an exit node: anywhere else the node drops what peers send to the internet.
  const [mode, setMode] = useState<TunnelMode>(node.egress ? 'full' : 'split');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ peer: PeerDto; psk: string | null } | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setErrors({});
    if (keySource === 'own' && !isWireGuardKey(ownKey)) {
      setErrors({ publicKey: ['Paste the device\'s WireGuard public key: 44 characters of base64 (from "wg pubkey").'] });
      return;
    }
    const psk = usePsk ? generatePresharedKey() : null;
    const body: Record<string, unknown> = {
      name: name.trim(),
      publicKey: keySource === 'browser' ? keys.publicKey : ownKey.trim(),
      enabled: true,
    };
    if (psk) body.presharedKey = psk;
    if (addresses.trim()) body.addresses = splitList(addresses);
    if (allowedIps.trim()) body.allowedIps = splitList(allowedIps);
    const ka = optionalNumber(keepalive);
    if (ka !== null) body.persistentKeepalive = ka;
    const exp = fromLocalInput(expiresAt);
    if (exp) body.expiresAt = exp;
    if (notes.trim()) body.notes = notes.trim();
    setBusy(true);
    try {
      const peer = await api.post<PeerDto>(`/api/nodes/${encodeURIComponent(node.id)}/peers`, body);
      setCreated({ peer: { ...peer, presharedKey: peer.presharedKey ?? psk }, psk });
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.errors);
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (created) {
    return (
      <Modal title={`Peer "${created.peer.name}" created`} onClose={onClose}>
        {keySource === 'browser' ? (
          <PeerConfig node={node} peer={created.peer} privateKey={keys.privateKey} mode={mode} />
        ) : (
          <p>The peer uses the public key you pasted. Configure the device with its own private key and this node's details.</p>
        )}
        <div className="row">
          <button type="button" onClick={onClose}>
            Done
          </button>
        </div>
      </Modal>
    );
  }

  const e = errorsByField(errors, peerFields);
  return (
    <Modal title="Add peer" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <TextField label="Name" name="name" value={name} onChange={setName} errors={e.name} required hint="e.g. alice-laptop" />
        <fieldset>
          <legend>Keys</legend>
          <div className="field checkbox">
            <input type="radio" id="ks-browser" name="keySource" checked={keySource === 'browser'} onChange={() => setKeySource('browser')} />
            <label htmlFor="ks-browser">Generate a key pair in this browser (the private key is never sent)</label>
          </div>
          <div className="field checkbox">
            <input type="radio" id="ks-own" name="keySource" checked={keySource === 'own'} onChange={() => setKeySource('own')} />
            <label htmlFor="ks-own">Use a public key made on the device</label>
          </div>
          {keySource === 'browser' ? (
            <p className="muted small">
              Public key: <code data-testid="new-public-key">{keys.publicKey}</code>
            </p>
          ) : (
            <TextField label="Device public key" name="publicKey" value={ownKey} onChange={setOwnKey} errors={e.publicKey} />
          )}
          {keySource === 'browser' && e.publicKey && <div className="field-error" role="alert">{e.publicKey.join(' ')}</div>}
          <CheckboxField label="Add a preshared key (extra post-quantum margin)" checked={usePsk} onChange={setUsePsk} errors={e.presharedKey} />
        </fieldset>
        <TextField label="Addresses (optional)" name="addresses" value={addresses} onChange={setAddresses} errors={e.addresses} hint="Leave empty to allocate from the node's networks." />
        <TextField label="Allowed IPs on the node (optional)" name="allowedIps" value={allowedIps} onChange={setAllowedIps} errors={e.allowedIps} hint="What the node routes to this peer; defaults to its addresses." />
        {node.egress ? (
          <SelectField<TunnelMode>
            label="Client routes"
            value={mode}
            onChange={setMode}
            options={[
              { value: 'full', label: 'All traffic through the tunnel (0.0.0.0/0, ::/0)' },
              { value: 'split', label: "Only the node's networks" },
            ]}
          />
        ) : (
          <p className="muted small" data-testid="split-tunnel-note">
            Client routes: only the node's networks. This node is not an exit node (internet egress is off), so traffic for the internet
            stays on the device's own connection; turn egress on in the node's settings to offer a full tunnel.
          </p>
        )}
        <TextField label="Persistent keepalive (s, optional)" name="persistentKeepalive" value={keepalive} onChange={setKeepalive} errors={e.persistentKeepalive} inputMode="numeric" />
        <TextField label="Expires (optional)" name="expiresAt" type="datetime-local" value={expiresAt} onChange={setExpiresAt} errors={e.expiresAt} />
        <TextField label="Notes" name="notes" value={notes} onChange={setNotes} errors={e.notes} multiline />
        {e[''] && <div className="banner error">{e[''].join(' ')}</div>}
        <ErrorBanner error={Object.keys(errors).length ? null : error} />
        <FormActions submit="Create peer" busy={busy} onCancel={onClose} />
      </form>
    </Modal>
  );
}

function PeerConfig({ node, peer, privateKey, mode }: { node: NodeDto; peer: PeerDto; privateKey: string; mode: TunnelMode }) {
  const config = useMemo(() => buildClientConfig({ privateKey, peer, node, mode }), [privateKey, peer, node, mode]);
  const fileName = configFileName(peer.name);
  const [showText, setShowText] = useState(false);
  function download() {
    const url = URL.createObjectURL(new Blob([config], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return (
    <div className="peer-config">
      <div className="banner warning" role="status">
        The private key exists only in this window. Download the config or scan the QR code now: it cannot be shown again.
      </div>
      {!node.publicKey && <div className="banner info">This node has not enrolled yet, so the config has no server public key. Enroll the node, then add its key to the config.</div>}
      <div className="config-layout">
        <QrCode text={config} label={`QR code with the WireGuard config for ${peer.name}`} />
        <div>
          <div className="row">
            <button type="button" onClick={download}>
              Download {fileName}
            </button>
            <button type="button" className="secondary" aria-expanded={showText} onClick={() => setShowText((s) => !s)}>
              {showText ? 'Hide config text' : 'Show config text'}
            </button>
          </div>
          {showText && (
            <pre className="config" data-testid="config-text" tabIndex={0}>
              {config}
            </pre>
          )}
          <p className="muted small">Scan with the WireGuard app on a phone, or import the file on a computer.</p>
        </div>
      </div>
    </div>
  );
}

interface PeerDraft {
  name: string;
  allowedIps: string;
  persistentKeepalive: string;
  enabled: boolean;
  expiresAt: string;
  notes: string;
}

function peerToDraft(p: PeerDto): PeerDraft {
  return {
    name: p.name ?? '',
    allowedIps: (p.allowedIps ?? []).join(', '),
    persistentKeepalive: p.persistentKeepalive === null || p.persistentKeepalive === undefined ? '' : String(p.persistentKeepalive),
    enabled: p.enabled,
    expiresAt: toLocalInput(p.expiresAt),
    notes: p.notes ?? '',
  };
}

export function EditPeer({ peer, onClose }: { peer: PeerDto; onClose: () => void }) {
  const ed = useEditor<PeerDto, PeerDraft>(peer, peerToDraft, `/api/peers/${encodeURIComponent(peer.id)}`);
  const d = ed.draft;
  const set = <K extends keyof PeerDraft>(k: K) => (v: PeerDraft[K]) => ed.setDraft({ ...d, [k]: v });
  const e = errorsByField(ed.fieldErrors, peerFields);
  async function submit(ev: FormEvent) {
    ev.preventDefault();
    const ok = await ed.save({
      name: d.name.trim(),
      allowedIps: splitList(d.allowedIps),
      persistentKeepalive: optionalNumber(d.persistentKeepalive),
      enabled: d.enabled,
      expiresAt: fromLocalInput(d.expiresAt),
      notes: d.notes,
    });
    if (ok) onClose();
  }
  return (
    <Modal title={`Edit peer "${ed.base.name}"`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        {ed.conflict && <ConflictBanner what="peer" onReload={() => void ed.reloadLatest(true)} onDiscard={() => void ed.reloadLatest(false)} />}
        {ed.changedOnServer.length > 0 && (
          <p className="banner info" role="status">
            Latest version loaded; your edits are kept. Changed by the other person: {ed.changedOnServer.join(', ')}. Save again to apply yours.
          </p>
        )}
        <TextField label="Name" name="name" value={d.name} onChange={set('name')} errors={e.name} required />
        <TextField label="Allowed IPs on the node" name="allowedIps" value={d.allowedIps} onChange={set('allowedIps')} errors={e.allowedIps} />
        <TextField label="Persistent keepalive (s)" name="persistentKeepalive" value={d.persistentKeepalive} onChange={set('persistentKeepalive')} errors={e.persistentKeepalive} inputMode="numeric" />
        <TextField label="Expires" name="expiresAt" type="datetime-local" value={d.expiresAt} onChange={set('expiresAt')} errors={e.expiresAt} />
        <CheckboxField label="Enabled" checked={d.enabled} onChange={set('enabled')} errors={e.enabled} />
        <TextField label="Notes" name="notes" value={d.notes} onChange={set('notes')} errors={e.notes} multiline />
        <p className="muted small">
          Public key <code>{ed.base.publicKey}</code> · addresses {(ed.base.addresses ?? []).join(', ')}
        </p>
        {e[''] && <div className="banner error">{e[''].join(' ')}</div>}
        <ErrorBanner error={Object.keys(ed.fieldErrors).length ? null : ed.error} />
        <FormActions submit="Save peer" busy={ed.busy} onCancel={onClose} />
      </form>
    </Modal>
  );
}
