import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, errorsByField, type FieldErrors } from '../api/client';
import { ConflictBanner, ErrorBanner, Modal } from './ui';
import { useEditor } from './useEditor';

interface Props<R extends { id: string; etag?: string }, D> {
  what: string;
  fields: readonly string[];
  createUrl: string;
  itemUrl: (id: string) => string;
  existing: R | null;
  emptyDraft: D;
  toDraft: (r: R) => D;
  toBody: (d: D) => unknown;
  render: (draft: D, setDraft: (d: D) => void, errors: Record<string, string[]>) => ReactNode;
  onClose: () => void;
}

/** Create (POST) or edit (PATCH + If-Match) one resource, with problem+json errors shown at their fields. */
export function ResourceModal<R extends { id: string; etag?: string }, D>(p: Props<R, D>) {
  return p.existing ? <EditModal {...p} existing={p.existing} /> : <CreateModal {...p} />;
}

function CreateModal<R extends { id: string; etag?: string }, D>(p: Props<R, D>) {
  const [draft, setDraft] = useState<D>(p.emptyDraft);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      await api.post<R>(p.createUrl, p.toBody(draft));
      p.onClose();
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.errors);
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const byField = errorsByField(errors, p.fields);
  return (
    <Modal title={`Add ${p.what}`} onClose={p.onClose}>
      <form onSubmit={submit} noValidate>
        {p.render(draft, setDraft, byField)}
        {byField[''] && <div className="banner error" role="alert">{byField[''].join(' ')}</div>}
        <ErrorBanner error={Object.keys(errors).length ? null : error} />
        <div className="row">
          <button type="submit" disabled={busy}>
            Create {p.what}
          </button>
          <button type="button" className="secondary" onClick={p.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}

function EditModal<R extends { id: string; etag?: string }, D>(p: Props<R, D> & { existing: R }) {
  const ed = useEditor<R, D>(p.existing, p.toDraft, p.itemUrl(p.existing.id));
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (await ed.save(p.toBody(ed.draft))) p.onClose();
  }
  const byField = errorsByField(ed.fieldErrors, p.fields);
  return (
    <Modal title={`Edit ${p.what}`} onClose={p.onClose}>
      <form onSubmit={submit} noValidate>
        {ed.conflict && <ConflictBanner what={p.what} onReload={() => void ed.reloadLatest(true)} onDiscard={() => void ed.reloadLatest(false)} />}
        {ed.changedOnServer.length > 0 && (
          <p className="banner info" role="status">
            Latest version loaded; your edits are kept. Changed by the other person: {ed.changedOnServer.join(', ')}.
          </p>
        )}
        {p.render(ed.draft, ed.setDraft, byField)}
        {byField[''] && <div className="banner error" role="alert">{byField[''].join(' ')}</div>}
        <ErrorBanner error={Object.keys(ed.fieldErrors).length ? null : ed.error} />
        <div className="row">
          <button type="submit" disabled={ed.busy}>
            Save {p.what}
          </button>
          <button type="button" className="secondary" onClick={p.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Delete with If-Match; a 412 becomes a sentence the user can act on. */
export async function deleteWithEtag(url: string, etag: string | undefined, what: string): Promise<void> {
  try {
    await api.del(url, etag);
  } catch (e) {
    if (e instanceof ApiError && e.status === 412) throw new Error(`This ${what} was changed by someone else. The list has been reloaded; check it and try again.`);
    throw e;
  }
}
