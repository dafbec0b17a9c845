import { useState, type FormEvent } from 'react';
import { api, ApiError, asList, errorsByField, type FieldErrors } from '../api/client';
import type { TokenDto } from '../api/types';
import { CopyButton, Empty, ErrorBanner, Loading, SelectField, TextField, useLoad } from '../components/ui';
import { useApp } from '../context';
import { relativeTime } from '../format';

export function Tokens() {
  const { tick } = useApp();
  const { data, error, loading, reload } = useLoad(async () => asList<TokenDto>(await api.get('/api/tokens')), [tick]);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'read' | 'write'>('read');
  const [days, setDays] = useState('90');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<unknown>(null);
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  const [rowError, setRowError] = useState<unknown>(null);

  async function create(e: FormEvent) {
    e.preventDefault();
    setErrors({});
    setFormError(null);
    try {
      const n = Number(days);
      const t = await api.post<TokenDto>('/api/tokens', { name: name.trim(), scope, ...(days.trim() ? { expiresInDays: Number.isFinite(n) ? n : days } : {}) });
      // The secret is shown once; accept the common names for it.
      const extra = t as TokenDto & { secret?: string; value?: string };
      setSecret({ name: t.name, token: t.token ?? extra.secret ?? extra.value ?? '' });
      setName('');
      reload();
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.errors);
      setFormError(err);
    }
  }
  const fe = errorsByField(errors, ['name', 'scope', 'expiresInDays']);
  return (
    <section>
      <h1>API tokens</h1>
      <p className="muted">For scripts and CI: send as <code>Authorization: Bearer &lt;token&gt;</code>. A token is shown once and stored hashed.</p>
      {secret && (
        <div className="card" role="status">
          <p>
            Token <strong>{secret.name}</strong> — copy it now, it is not shown again:
          </p>
          <pre className="command" data-testid="new-token" tabIndex={0}>
            {secret.token}
          </pre>
          <div className="row">
            <CopyButton text={secret.token} />
            <button type="button" onClick={() => setSecret(null)}>
              Done
            </button>
          </div>
        </div>
      )}
      <form className="card" onSubmit={create} noValidate>
        <h2>New token</h2>
        <div className="grid">
          <TextField label="Name" name="name" value={name} onChange={setName} errors={fe.name} />
          <SelectField<'read' | 'write'> label="Scope" name="scope" value={scope} onChange={setScope} errors={fe.scope} options={['read', 'write'] as const} />
          <TextField label="Expires after (days)" name="expiresInDays" value={days} onChange={setDays} errors={fe.expiresInDays} inputMode="numeric" />
        </div>
        {fe[''] && <div className="banner error">{fe[''].join(' ')}</div>}
        <ErrorBanner error={Object.keys(errors).length ? null : formError} />
        <button type="submit">Create token</button>
      </form>
      <ErrorBanner error={rowError ?? error} onRetry={error ? reload : undefined} />
      {!data && loading && <Loading />}
      {data && data.length === 0 && <Empty title="No API tokens" />}
      {data && data.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scope</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.map((t) => (
                <tr key={t.id}>
                  <td data-label="Name">{t.name}</td>
                  <td data-label="Scope">{t.scope}</td>
                  <td data-label="Expires">{t.expiresAt ? new Date(t.expiresAt).toLocaleString() : 'never'}</td>
                  <td data-label="Last used">{relativeTime(t.lastUsedAt)}</td>
                  <td className="actions">
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Revoke token ${t.name}`}
                      onClick={async () => {
                        if (!window.confirm(`Revoke token "${t.name}"?`)) return;
                        setRowError(null);
                        try {
                          await api.del(`/api/tokens/${encodeURIComponent(t.id)}`, t.etag);
                        } catch (err) {
                          setRowError(err);
                        }
                        reload();
                      }}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
