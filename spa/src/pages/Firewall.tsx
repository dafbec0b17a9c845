import { useState } from 'react';
import { api, asList } from '../api/client';
import type { FirewallRuleDto, NodeDto } from '../api/types';
import { deleteWithEtag, ResourceModal } from '../components/ResourceModal';
import { CheckboxField, Empty, ErrorBanner, Loading, SelectField, StatusBadge, TextField, useLoad } from '../components/ui';
import { canWrite, useApp } from '../context';
import { splitList } from '../format';

interface RuleDraft {
  direction: FirewallRuleDto['direction'];
  protocol: FirewallRuleDto['protocol'];
  ports: string;
  sources: string;
  destinations: string;
  action: FirewallRuleDto['action'];
  priority: string;
  comment: string;
  enabled: boolean;
}

export const ruleFields = ['direction', 'protocol', 'ports', 'sources', 'destinations', 'action', 'priority', 'comment', 'enabled'] as const;

const emptyRule: RuleDraft = { direction: 'input', protocol: 'tcp', ports: '', sources: '', destinations: '', action: 'accept', priority: '100', comment: '', enabled: true };

function ruleToDraft(r: FirewallRuleDto): RuleDraft {
  return {
    direction: r.direction,
    protocol: r.protocol,
    ports: (r.ports ?? []).join(', '),
    sources: (r.sources ?? []).join(', '),
    destinations: (r.destinations ?? []).join(', '),
    action: r.action,
    priority: String(r.priority ?? ''),
    comment: r.comment ?? '',
    enabled: r.enabled,
  };
}

function ruleBody(d: RuleDraft): Record<string, unknown> {
  const pr = Number(d.priority);
  return {
    direction: d.direction,
    protocol: d.protocol,
    ports: splitList(d.ports),
    sources: splitList(d.sources),
    destinations: splitList(d.destinations),
    action: d.action,
    priority: d.priority.trim() === '' ? null : Number.isFinite(pr) ? pr : d.priority,
    comment: d.comment,
    enabled: d.enabled,
  };
}

export function FirewallTab({ node }: { node: NodeDto }) {
  const { tick, me } = useApp();
  const base = `/api/nodes/${encodeURIComponent(node.id)}`;
  const { data, error, loading, reload } = useLoad(async () => asList<FirewallRuleDto>(await api.get(`${base}/firewall-rules`)), [base, tick]);
  const [editing, setEditing] = useState<FirewallRuleDto | 'new' | null>(null);
  const [rowError, setRowError] = useState<unknown>(null);
  const rules = [...(data ?? [])].sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0));
  return (
    <div>
      <p className="muted">Rules live in the agent's own nftables table; lower priority numbers are evaluated first.</p>
      {canWrite(me) && (
        <button type="button" onClick={() => setEditing('new')}>
          Add rule
        </button>
      )}
      <ErrorBanner error={rowError ?? error} onRetry={error ? reload : undefined} />
      {!data && loading && <Loading />}
      {data && data.length === 0 && <Empty title="No firewall rules">Without rules, the node only allows WireGuard and its L4 listeners.</Empty>}
      {rules.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Priority</th>
                <th scope="col">Direction</th>
                <th scope="col">Protocol / ports</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">Action</th>
                <th scope="col">Comment</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rules.map((r) => (
                <tr key={r.id} className={r.enabled ? undefined : 'disabled'}>
                  <td data-label="Priority">{r.priority}</td>
                  <td data-label="Direction">{r.direction}</td>
                  <td data-label="Protocol">
                    {r.protocol} {(r.ports ?? []).join(', ')}
                  </td>
                  <td data-label="From">{(r.sources ?? []).join(', ') || 'any'}</td>
                  <td data-label="To">{(r.destinations ?? []).join(', ') || 'any'}</td>
                  <td data-label="Action">
                    <StatusBadge kind={r.action === 'accept' ? 'ok' : 'bad'}>{r.action}</StatusBadge>
                    {!r.enabled && <StatusBadge kind="muted">disabled</StatusBadge>}
                  </td>
                  <td data-label="Comment">{r.comment}</td>
                  <td className="actions">
                    {canWrite(me) && (
                      <>
                        <button type="button" className="secondary" onClick={() => setEditing(r)} aria-label={`Edit rule ${r.priority}`}>
                          Edit
                        </button>
                        <button
                          type="button"
                          className="danger"
                          aria-label={`Delete rule ${r.priority}`}
                          onClick={async () => {
                            if (!window.confirm('Delete this firewall rule?')) return;
                            setRowError(null);
                            try {
                              await deleteWithEtag(`/api/firewall-rules/${encodeURIComponent(r.id)}`, r.etag, 'rule');
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
      {editing && (
        <ResourceModal<FirewallRuleDto, RuleDraft>
          what="firewall rule"
          fields={ruleFields}
          createUrl={`${base}/firewall-rules`}
          itemUrl={(id) => `/api/firewall-rules/${encodeURIComponent(id)}`}
          existing={editing === 'new' ? null : editing}
          emptyDraft={emptyRule}
          toDraft={ruleToDraft}
          toBody={ruleBody}
          onClose={() => {
            setEditing(null);
            reload();
          }}
          render={(d, set, e) => <RuleFields draft={d} setDraft={set} errors={e} />}
        />
      )}
    </div>
  );
}

function RuleFields({ draft, setDraft, errors }: { draft: RuleDraft; setDraft: (d: RuleDraft) => void; errors: Record<string, string[]> }) {
  const set = <K extends keyof RuleDraft>(k: K) => (v: RuleDraft[K]) => setDraft({ ...draft, [k]: v });
  return (
    <div className="grid">
      <SelectField label="Direction" name="direction" value={draft.direction} onChange={set('direction')} errors={errors.direction} options={['input', 'forward', 'egress'] as const} />
      <SelectField label="Protocol" name="protocol" value={draft.protocol} onChange={set('protocol')} errors={errors.protocol} options={['tcp', 'udp', 'icmp', 'any'] as const} />
      <TextField label="Ports" name="ports" value={draft.ports} onChange={set('ports')} errors={errors.ports} hint="e.g. 22, 8000-8100" />
      <TextField label="Sources" name="sources" value={draft.sources} onChange={set('sources')} errors={errors.sources} hint="CIDRs or peer ids; empty = any" />
      <TextField label="Destinations" name="destinations" value={draft.destinations} onChange={set('destinations')} errors={errors.destinations} hint="CIDRs or peer ids; empty = any" />
      <SelectField label="Action" name="action" value={draft.action} onChange={set('action')} errors={errors.action} options={['accept', 'drop', 'reject'] as const} />
      <TextField label="Priority" name="priority" value={draft.priority} onChange={set('priority')} errors={errors.priority} inputMode="numeric" />
      <TextField label="Comment" name="comment" value={draft.comment} onChange={set('comment')} errors={errors.comment} />
      <CheckboxField label="Enabled" checked={draft.enabled} onChange={set('enabled')} errors={errors.enabled} />
    </div>
  );
}
