import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client';
import type { LoginResult } from '../api/types';
import { ErrorBanner, TextField } from '../components/ui';
import { navigate } from '../router';

export function Login({ onLoggedIn, initialUsername, expired }: { onLoggedIn: () => void; initialUsername?: string; expired?: boolean }) {
  const [username, setUsername] = useState(initialUsername ?? '');
  const [password, setPassword] = useState('');
  const [mfaToken, setMfaToken] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  // A fresh control plane has no owner yet: go to the setup page instead.
  useEffect(() => {
    api.get<{ setupRequired?: boolean }>('/api/setup').then(
      (r) => {
        if (r?.setupRequired) navigate('/setup', { replace: true });
      },
      () => undefined,
    );
  }, []);

  async function submitPassword(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<LoginResult | undefined>('/api/auth/login', { username: username.trim(), password });
      if (r?.mfaRequired && r.mfaToken) {
        setMfaToken(r.mfaToken);
        setPassword('');
      } else {
        onLoggedIn();
      }
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? new Error('Wrong username or password.') : err);
    } finally {
      setBusy(false);
    }
  }

  async function submitCode(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post('/api/auth/mfa', { mfaToken, code: code.replace(/\s+/g, '') });
      onLoggedIn();
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 410) && /expired/i.test(err.detail)) {
        setMfaToken(null);
        setError(new Error('The sign-in step expired. Enter your password again.'));
      } else {
        setError(err instanceof ApiError && err.status === 401 ? new Error('That code is not valid. Codes can be used once.') : err);
      }
      setCode('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="auth-card">
      <h1>Sign in to CloudWg</h1>
      {expired && (
        <div className="banner info" role="status">
          Your session ended. Sign in again to continue where you were.
        </div>
      )}
      {mfaToken === null ? (
        <form onSubmit={submitPassword} noValidate>
          <TextField label="Username" name="username" value={username} onChange={setUsername} autoComplete="username" required autoFocus />
          <TextField label="Password" name="password" type="password" value={password} onChange={setPassword} autoComplete="current-password" required />
          <ErrorBanner error={error} />
          <button type="submit" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      ) : (
        <form onSubmit={submitCode} noValidate>
          <p>Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
          <TextField label="Authentication code" name="code" value={code} onChange={setCode} autoComplete="one-time-code" required autoFocus />
          <ErrorBanner error={error} />
          <div className="row">
            <button type="submit" disabled={busy}>
              {busy ? 'Checking…' : 'Verify'}
            </button>
            <button type="button" className="secondary" onClick={() => { setMfaToken(null); setCode(''); setError(null); }}>
              Back
            </button>
          </div>
        </form>
      )}
      <p>
        <a href="/setup" onClick={(e) => { e.preventDefault(); navigate('/setup'); }}>First start? Create the owner account</a>
      </p>
    </main>
  );
}
