import { useState, type FormEvent } from 'react';
import { api, ApiError, errorsByField } from '../api/client';
import { ErrorBanner, TextField } from '../components/ui';
import { navigate } from '../router';

export function Setup({ initialToken }: { initialToken: string }) {
  const [token, setToken] = useState(initialToken);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (password !== confirm) {
      setFieldErrors({ confirm: ['The passwords do not match.'] });
      return;
    }
    setFieldErrors({});
    setBusy(true);
    try {
      await api.post('/api/setup', { token: token.trim(), username: username.trim(), password });
      setDone(true);
    } catch (err) {
      if (err instanceof ApiError && err.status === 410) {
        setError(new Error('Setup is already complete. Sign in with the owner account.'));
      } else {
        if (err instanceof ApiError) setFieldErrors(errorsByField(err.errors, ['token', 'username', 'password']));
        setError(err);
      }
    } finally {
      setBusy(false);
    }
  }

  if (done) {
    return (
      <main className="auth-card">
        <h1>Owner account created</h1>
        <p>Sign in as <strong>{username}</strong>, then turn on two-factor authentication.</p>
        <button type="button" onClick={() => navigate(`/login?username=${encodeURIComponent(username)}`)}>
          Go to sign in
        </button>
      </main>
    );
  }
  return (
    <main className="auth-card">
      <h1>Set up CloudWg</h1>
      <p className="muted">Create the first owner account with the one-time setup token printed by <code>make up</code> (also in <code>.cloudwg/setup-token</code>).</p>
      <form onSubmit={submit} noValidate>
        <TextField label="Setup token" name="token" value={token} onChange={setToken} required autoComplete="off" errors={fieldErrors.token} />
        <TextField label="Owner username" name="username" value={username} onChange={setUsername} required autoComplete="username" errors={fieldErrors.username} />
        <TextField label="Password" name="password" type="password" value={password} onChange={setPassword} required autoComplete="new-password" hint="At least 12 characters, not your username." errors={fieldErrors.password} />
        <TextField label="Confirm password" name="confirm" type="password" value={confirm} onChange={setConfirm} required autoComplete="new-password" errors={fieldErrors.confirm} />
        <ErrorBanner error={fieldErrors[''] ? new Error(fieldErrors[''].join(' ')) : error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create owner'}
        </button>
      </form>
      <p>
        <a href="/login" onClick={(e) => { e.preventDefault(); navigate('/login'); }}>Already set up? Sign in</a>
      </p>
    </main>
  );
}
