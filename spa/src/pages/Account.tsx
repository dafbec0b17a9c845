import { useState, type FormEvent } from 'react';
import { api, ApiError, errorsByField, type FieldErrors } from '../api/client';
import { Link } from '../components/Link';
import { QrCode } from '../components/QrCode';
import { CopyButton, ErrorBanner, TextField } from '../components/ui';
import { useApp } from '../context';

interface TotpSetup {
  secret: string;
  otpauthUri?: string;
  uri?: string;
  otpauthUrl?: string;
}

export function Account() {
  const { me, refreshMe, logout } = useApp();
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState<string[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function start() {
    setError(null);
    setBusy(true);
    try {
      setSetup(await api.post<TotpSetup>('/api/auth/totp/setup'));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function confirm(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const r = await api.post<{ recoveryCodes?: string[] } | undefined>('/api/auth/totp/confirm', { code: code.replace(/\s+/g, '') });
      setRecovery(r?.recoveryCodes ?? []);
      setSetup(null);
      setCode('');
      refreshMe();
    } catch (err) {
      setError(err instanceof ApiError && (err.status === 400 || err.status === 401) && !err.detail ? new Error('That code is not valid.') : err);
    } finally {
      setBusy(false);
    }
  }

  const uri = setup ? setup.otpauthUri ?? setup.uri ?? setup.otpauthUrl ?? '' : '';
  return (
    <section>
      <h1>Your account</h1>
      <p>
        Signed in as <strong>{me.username}</strong> ({me.role}).
      </p>
      {me.mfaSetupRequired && !recovery && (
        <div className="banner warning" role="alert">
          An owner requires two-factor authentication for every admin. Set it up to continue.
        </div>
      )}
      <h2>Two-factor authentication</h2>
      {me.mfaRequired && (
        <p className="muted" data-testid="mfa-required">
          Required for every admin by an owner
          {me.role === 'owner' && (
            <>
              {' '}
              (change it on the <Link to="/admins">Admins</Link> page)
            </>
          )}
          .
        </p>
      )}
      {recovery && (
        <div className="card" data-testid="recovery-codes">
          <h3>Save your recovery codes</h3>
          <p>Each code signs you in once if you lose your authenticator. They are shown only now.</p>
          <ul className="codes">
            {recovery.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <div className="row">
            <CopyButton text={recovery.join('\n')} label="Copy codes" />
            <button type="button" onClick={() => setRecovery(null)}>
              I have saved them
            </button>
          </div>
        </div>
      )}
      {!recovery && me.mfaEnabled && !setup && <p>Two-factor authentication is on.</p>}
      {!recovery && !me.mfaEnabled && !setup && (
        <>
          <p>Protect your account with an authenticator app (TOTP).</p>
          <button type="button" onClick={start} disabled={busy}>
            Set up authenticator
          </button>
        </>
      )}
      {setup && (
        <div className="card">
          <p>Scan this code with your authenticator app, or enter the secret by hand. Then type the 6-digit code it shows.</p>
          {uri && <QrCode text={uri} label="Authenticator QR code" size={200} />}
          <p>
            Secret: <code data-testid="totp-secret">{setup.secret}</code> <CopyButton text={setup.secret} />
          </p>
          <form onSubmit={confirm} noValidate>
            <TextField label="Code from your app" name="code" value={code} onChange={setCode} autoComplete="one-time-code" inputMode="numeric" required />
            <button type="submit" disabled={busy}>
              Turn on
            </button>
          </form>
        </div>
      )}
      <ErrorBanner error={error} />
      <ChangePassword />
      <h2>Sessions</h2>
      <p>Signed in somewhere you no longer use? End every session of your account, including this one.</p>
      <button
        type="button"
        className="secondary"
        onClick={async () => {
          try {
            await api.post('/api/auth/logout-everywhere');
          } finally {
            logout();
          }
        }}
      >
        Sign out everywhere
      </button>
    </section>
  );
}

function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors({});
    setError(null);
    setDone(false);
    try {
      await api.post('/api/auth/password', { currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setDone(true);
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.errors);
      setError(err);
    }
  }
  const fe = errorsByField(errors, ['currentPassword', 'newPassword']);
  return (
    <form className="card" onSubmit={submit} noValidate>
      <h2>Change password</h2>
      <TextField label="Current password" name="currentPassword" type="password" value={current} onChange={setCurrent} errors={fe.currentPassword} autoComplete="current-password" />
      <TextField label="New password" name="newPassword" type="password" value={next} onChange={setNext} errors={fe.newPassword} autoComplete="new-password" hint="At least 12 characters, not your username. Other sessions end." />
      {fe[''] && <div className="banner error">{fe[''].join(' ')}</div>}
      <ErrorBanner error={Object.keys(errors).length ? null : error} />
      {done && <p role="status">Password changed.</p>}
      <button type="submit">Change password</button>
    </form>
  );
}
