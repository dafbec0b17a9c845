import { useState, type FormEvent } from 'react';
import { api, ApiError, asList, type FieldErrors } from '../api/client';
import type { NodeDto } from '../api/types';
import { Link } from '../components/Link';
import { Empty, ErrorBanner, FormActions, Loading, Modal, StatusBadge, useLoad } from '../components/ui';
import { canWrite, useApp } from '../context';
import { relativeTime } from '../format';
import { statusLabel } from '../nodeStatus';
import { navigate } from '../router';
import { draftToNodeBody, emptyNodeDraft, NodeFields } from './NodeForm';

export function Nodes() {
  const { tick, me } = useApp();
  const { data, error, loading, reload } = useLoad(async () => asList<NodeDto>(await api.get('/api/nodes')), [tick]);
  const [creating, setCreating] = useState(false);
  return (
    <section>
      <div className="title-row">
        <h1>Nodes</h1>
        {canWrite(me) && (
          <button type="button" onClick={() => setCreating(true)}>
            Add node
          </button>
        )}
      </div>
      <ErrorBanner error={error} onRetry={reload} />
      {!data && loading && <Loading />}
      {data && data.length === 0 && <Empty title="No nodes yet">A node is a VPS running cloudwg-agent. Add one, then run its install command on the server.</Empty>}
      {data && data.length > 0 && (
        <ul className="cards">
          {data.map((n) => {
            const st = statusLabel(n);
            return (
              <li key={n.id} className="card">
                <h2>
                  <Link to={`/nodes/${encodeURIComponent(n.id)}`}>{n.name}</Link>
                </h2>
                <StatusBadge kind={st === 'online' ? 'ok' : st === 'not enrolled' ? 'muted' : 'bad'}>{st}</StatusBadge>
                <dl>
                  <dt>Endpoint</dt>
                  <dd>
                    {n.endpoint}:{n.listenPort}
                  </dd>
                  <dt>Network</dt>
                  <dd>{[n.ipv4Network, n.ipv6Network].filter(Boolean).join(', ')}</dd>
                  <dt>Last report</dt>
                  <dd>{relativeTime(n.lastSeenAt)}</dd>
                </dl>
              </li>
            );
          })}
        </ul>
      )}
      {creating && <CreateNode onClose={() => setCreating(false)} />}
    </section>
  );
}

function CreateNode({ onClose }: { onClose: () => void }) {
  const [draft, setDraft] = useState(emptyNodeDraft);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setErrors({});
    try {
      const n = await api.post<NodeDto>('/api/nodes', draftToNodeBody(draft));
      onClose();
      navigate(`/nodes/${encodeURIComponent(n.id)}?tab=enrollment`);
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.errors);
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal title="Add node" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <NodeFields draft={draft} onChange={setDraft} errors={errors} />
        <ErrorBanner error={error} />
        <FormActions submit="Create node" busy={busy} onCancel={onClose} />
      </form>
    </Modal>
  );
}
