import { useState } from 'react';
import { api, ApiError, type FieldErrors } from '../api/client';

/**
 * Optimistic-concurrency editing of one resource: PATCH with `If-Match: <etag>`. On 412 the
 * draft (what the user typed) is kept; `reloadLatest` refreshes the version to save against.
 */
export function useEditor<R extends { etag?: string }, D>(initial: R, toDraft: (r: R) => D, url: string) {
  const [base, setBase] = useState<R>(initial);
  const [draft, setDraft] = useState<D>(() => toDraft(initial));
  const [conflict, setConflict] = useState(false);
  const [changedOnServer, setChangedOnServer] = useState<string[]>([]);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function save(body: unknown): Promise<R | null> {
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      const r = (await api.patch<R | undefined>(url, body, base.etag)) ?? (await api.get<R>(url));
      setBase(r);
      setDraft(toDraft(r));
      setConflict(false);
      setChangedOnServer([]);
      return r;
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) setConflict(true);
      else if (e instanceof ApiError && Object.keys(e.errors).length > 0) {
        setFieldErrors(e.errors);
        setError(e);
      } else setError(e);
      return null;
    } finally {
      setBusy(false);
    }
  }

  async function reloadLatest(keepDraft: boolean): Promise<void> {
    setBusy(true);
    try {
      const latest = await api.get<R>(url);
      const ignore = new Set(['etag', 'updatedAt', 'lastHandshakeAt', 'rxBytes', 'txBytes', 'endpoint', 'lastSeenAt', 'appliedVersion', 'desiredVersion', 'status']);
      const b = base as Record<string, unknown>;
      const l = latest as Record<string, unknown>;
      setChangedOnServer(Object.keys(l).filter((k) => !ignore.has(k) && JSON.stringify(b[k]) !== JSON.stringify(l[k])));
      setBase(latest);
      if (!keepDraft) setDraft(toDraft(latest));
      setConflict(false);
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return { base, draft, setDraft, conflict, changedOnServer, fieldErrors, error, busy, save, reloadLatest, setError };
}
