import { useState, type FormEvent } from 'react';
import { api, asList } from '../api/client';
import type { AuditEntry } from '../api/types';
import { Empty, ErrorBanner, Loading, TextField, useLoad } from '../components/ui';
import { useApp } from '../context';
import { fromLocalInput } from '../format';

interface Filters {
  actor: string;
  action: string;
  resourceType: string;
  from: string;
  to: string;
}

const empty: Filters = { actor: '', action: '', resourceType: '', from: '', to: '' };

interface Page {
  items: AuditEntry[];
  next: string | null;
}

async function fetchPage(f: Filters, continuation: string | null): Promise<Page> {
  // The API filters by actor, action prefix and resource type; the time range is applied here.
  const data = await api.get<unknown>('/api/audit', {
    actor: f.actor.trim(),
    action: f.action.trim(),
    resourceType: f.resourceType.trim(),
    continuation,
  });
  const page = data && typeof data === 'object' && !Array.isArray(data) ? (data as { continuation?: string | null; continuationToken?: string | null }) : {};
  const next = page.continuation ?? page.continuationToken ?? null;
  return { items: asList<AuditEntry>(data), next };
}

/** Table Storage ETags look like W/"datetime'2026-11-23T19%3A30%3A42.8Z'": show the time. */
export function shortVersion(v: string | number | null | undefined): string {
  if (v === null || v === undefined || v === '') return '—';
  const m = /datetime'([^']+)'/.exec(String(v));
  if (m) {
    const d = new Date(decodeURIComponent(m[1]));
    if (!Number.isNaN(d.getTime())) return d.toLocaleTimeString();
  }
  return String(v);
}

export function Audit() {
  const { tick } = useApp();
  const [draft, setDraft] = useState<Filters>(empty);
  const [applied, setApplied] = useState<Filters>(empty);
  const { data, error, loading, reload, setData } = useLoad(() => fetchPage(applied, null), [applied, tick]);
  const [moreError, setMoreError] = useState<unknown>(null);

  function apply(e: FormEvent) {
    e.preventDefault();
    setApplied(draft);
  }

  async function more() {
    if (!data?.next) return;
    try {
      const p = await fetchPage(applied, data.next);
      setData({ items: [...data.items, ...p.items], next: p.next });
    } catch (e) {
      setMoreError(e);
    }
  }

  // Client-side filtering as well, in case the API ignores a filter parameter.
  const items = (data?.items ?? []).filter((x) => {
    const has = (v: string | undefined, q: string) => !q.trim() || (v ?? '').toLowerCase().includes(q.trim().toLowerCase());
    const when = Date.parse(x.at ?? x.timestamp ?? '');
    const from = fromLocalInput(applied.from);
    const to = fromLocalInput(applied.to);
    if (from && !(when >= Date.parse(from))) return false;
    if (to && !(when <= Date.parse(to))) return false;
    return has(x.actor, applied.actor) && has(x.action, applied.action) && has(x.resourceType, applied.resourceType);
  });
  return (
    <section>
      <h1>Audit log</h1>
      <form className="filters" onSubmit={apply}>
        <TextField label="Who" name="actor" value={draft.actor} onChange={(v) => setDraft({ ...draft, actor: v })} />
        <TextField label="Action" name="action" value={draft.action} onChange={(v) => setDraft({ ...draft, action: v })} placeholder="e.g. peer.create" />
        <TextField label="Resource type" name="resourceType" value={draft.resourceType} onChange={(v) => setDraft({ ...draft, resourceType: v })} />
        <TextField label="From" name="from" type="datetime-local" value={draft.from} onChange={(v) => setDraft({ ...draft, from: v })} />
        <TextField label="To" name="to" type="datetime-local" value={draft.to} onChange={(v) => setDraft({ ...draft, to: v })} />
        <div className="row">
          <button type="submit">Filter</button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setDraft(empty);
              setApplied(empty);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <ErrorBanner error={error ?? moreError} onRetry={reload} />
      {!data && loading && <Loading />}
      {data && items.length === 0 && <Empty title="No audit entries match" />}
      {items.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Outcome</th>
                <th scope="col">Resource</th>
                <th scope="col">Client address</th>
                <th scope="col">Version</th>
              </tr>
            </thead>
            <tbody>
              {items.map((x, i) => {
                const when = x.at ?? x.timestamp;
                return (
                  <tr key={x.id ?? `${when}-${i}`}>
                    <td data-label="When">
                      <time dateTime={when}>{when ? new Date(when).toLocaleString() : '—'}</time>
                    </td>
                    <td data-label="Who">{x.actor ?? '—'}</td>
                    <td data-label="Action">
                      {x.action}
                      {x.detail && <div className="muted small">{x.detail}</div>}
                    </td>
                    <td data-label="Outcome">{x.outcome ?? '—'}</td>
                    <td data-label="Resource">
                      {x.resourceType} {x.resourceId && <code className="small">{x.resourceId}</code>}
                    </td>
                    <td data-label="Client">{x.clientAddress ?? '—'}</td>
                    <td data-label="Version">
                      <span title={`${x.versionBefore ?? ''} → ${x.versionAfter ?? ''}`}>
                        {shortVersion(x.versionBefore)} → {shortVersion(x.versionAfter)}
                      </span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {data?.next && (
        <button type="button" className="secondary" onClick={() => void more()}>
          Load older entries
        </button>
      )}
    </section>
  );
}
