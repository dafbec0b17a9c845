import { useState, type FormEvent } from 'react';
import { api, ApiError, asList, errorsByField } from '../api/client';
import type { AdminDto, SecuritySettings } from '../api/types';
import { ResourceModal, deleteWithEtag } from '../components/ResourceModal';
import { CheckboxField, ConflictBanner, Empty, ErrorBanner, FormActions, Loading, Modal, SelectField, StatusBadge, TextField, useLoad } from '../components/ui';
import { useEditor } from '../components/useEditor';
import { useApp } from '../context';
import { relativeTime } from '../format';

type Role = AdminDto['role'];
interface AdminDraft {
  username: string;
  password: string;
  role: Role;
}

export function Admins() {
  const { tick, me } = useApp();
  // Only owners may list admins: anyone else gets the notice below without a refused request.
  const { data, error, loading, reload } = useLoad(async () => (me.role === 'owner' ? asList<AdminDto>(await api.get('/api/admins')) : []), [tick]);
  const [creating, setCreating] = useState(false);
  const [rowError, setRowError] = useState<unknown>(null);
  const [settingPassword, setSettingPassword] = useState<AdminDto | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  if (me.role !== 'owner') return <Empty title="Owners only">Only owners manage admin accounts.</Empty>;

  async function patch(a: AdminDto, body: Record<string, unknown>) {
    setRowError(null);
    setNotice(null);
    try {
      await api.patch(`/api/admins/${encodeURIComponent(a.id)}`, body, a.etag);
    } catch (e) {
      setRowError(e instanceof ApiError && e.status === 412 ? new Error(`"${a.username}" was changed by someone else. The list has been reloaded; try again.`) : e);
    }
    reload();
  }

  return (
    <section>
      <div className="title-row">
        <h1>Admins</h1>
        <button type="button" onClick={() => setCreating(true)}>
          Add admin
        </button>
      </div>
      <p className="muted">Owners manage everything including admins; admins manage the fleet; viewers only read.</p>
      <ErrorBanner error={rowError ?? error} onRetry={error ? reload : undefined} />
      {notice && (
        <p className="banner info" role="status">
          {notice}
        </p>
      )}
      {!data && loading && <Loading />}
      {data && data.length === 0 && <Empty title="No admins" />}
      {data && data.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Role</th>
                <th scope="col">Two-factor</th>
                <th scope="col">State</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.map((a) => {
                const self = a.id === me.id;
                return (
                  <tr key={a.id}>
                    <td data-label="Username">
                      {a.username} {self && <span className="muted">(you)</span>}
                    </td>
                    <td data-label="Role">
                      <label className="sr-only" htmlFor={`role-${a.id}`}>
                        Role of {a.username}
                      </label>
                      <select id={`role-${a.id}`} value={a.role} disabled={self} onChange={(e) => void patch(a, { role: e.target.value })}>
                        <option value="owner">owner</option>
                        <option value="admin">admin</option>
                        <option value="viewer">viewer</option>
                      </select>
                    </td>
                    <td data-label="Two-factor">{a.mfaEnabled ? <StatusBadge kind="ok">on</StatusBadge> : <StatusBadge kind="warn">off</StatusBadge>}</td>
                    <td data-label="State">{a.disabled ? <StatusBadge kind="bad">disabled</StatusBadge> : <StatusBadge kind="ok">active</StatusBadge>}</td>
                    <td data-label="Last sign-in">{relativeTime(a.lastLoginAt)}</td>
                    <td className="actions">
                      {!self && (
                        <>
                          <button
                            type="button"
                            className="secondary"
                            onClick={() => {
                              setRowError(null);
                              setNotice(null);
                              setSettingPassword(a);
                            }}
                          >
                            Set password
                          </button>
                          <button type="button" className="secondary" onClick={() => void patch(a, { disabled: !a.disabled })}>
                            {a.disabled ? 'Enable' : 'Disable'}
                          </button>
                          {a.mfaEnabled && (
                            <button
                              type="button"
                              className="secondary"
                              onClick={() => {
                                if (window.confirm(`Reset two-factor for ${a.username}? They must enrol again at next sign-in.`)) void patch(a, { resetMfa: true });
                              }}
                            >
                              Reset MFA
                            </button>
                          )}
                          <button
                            type="button"
                            className="danger"
                            onClick={async () => {
                              if (!window.confirm(`Delete admin ${a.username}?`)) return;
                              try {
                                await deleteWithEtag(`/api/admins/${encodeURIComponent(a.id)}`, a.etag, 'admin');
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
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <RequireMfaSetting admins={data} />
      {settingPassword && (
        <SetPasswordModal
          admin={settingPassword}
          onClose={() => {
            setSettingPassword(null);
            reload();
          }}
          onDone={(a) => {
            setSettingPassword(null);
            setNotice(`New password set for ${a.username}. Every session of theirs has ended; give them the password over a channel you trust.`);
            reload();
          }}
        />
      )}
      {creating && (
        <ResourceModal<AdminDto, AdminDraft>
          what="admin"
          fields={['username', 'password', 'role']}
          createUrl="/api/admins"
          itemUrl={(id) => `/api/admins/${encodeURIComponent(id)}`}
          existing={null}
          emptyDraft={{ username: '', password: '', role: 'admin' }}
          toDraft={(a) => ({ username: a.username, password: '', role: a.role })}
          toBody={(d) => ({ username: d.username.trim(), password: d.password, role: d.role })}
          onClose={() => {
            setCreating(false);
            reload();
          }}
          render={(d, set, e) => (
            <>
              <TextField label="Username" name="username" value={d.username} onChange={(v) => set({ ...d, username: v })} errors={e.username} autoComplete="off" />
              <TextField label="Initial password" name="password" type="password" value={d.password} onChange={(v) => set({ ...d, password: v })} errors={e.password} autoComplete="new-password" hint="At least 12 characters." />
              <SelectField<Role> label="Role" name="role" value={d.role} onChange={(v) => set({ ...d, role: v })} errors={e.role} options={['owner', 'admin', 'viewer'] as const} />
            </>
          )}
        />
      )}
    </section>
  );
}

/**
 * The owner's switch for "every admin must use TOTP" (PUT /api/auth/settings). Anyone else sees the value
 * read-only. Turning it on locks admins without an authenticator into setting one up (the App routes them).
 */
export function RequireMfaSetting({ admins }: { admins?: AdminDto[] }) {
  const { me, tick, refreshMe } = useApp();
  const owner = me.role === 'owner';
  const { data, error, reload, setData } = useLoad(() => api.get<SecuritySettings>('/api/auth/settings'), [tick]);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const value = data?.requireMfa ?? me.mfaRequired ?? false;

  async function change(requireMfa: boolean) {
    if (!window.confirm(confirmation(requireMfa))) return;
    setSaveError(null);
    setBusy(true);
    try {
      setData((await api.put<SecuritySettings | undefined>('/api/auth/settings', { requireMfa })) ?? { requireMfa });
      // The signed-in owner may now have to set up MFA themselves.
      refreshMe();
    } catch (e) {
      setSaveError(e);
    } finally {
      setBusy(false);
    }
  }

  function confirmation(requireMfa: boolean): string {
    if (!requireMfa) return 'Stop requiring two-factor authentication? Admins without an authenticator can then sign in with a password alone.';
    const without = (admins ?? []).filter((a) => !a.disabled && !a.mfaEnabled && a.id !== me.id).map((a) => a.username);
    const lines = ['Require two-factor authentication for every admin?'];
    if (without.length > 0) lines.push(`Not set up yet: ${without.join(', ')}. Until they set it up, they can do nothing but that after signing in.`);
    if (!me.mfaEnabled) lines.push('You have not set it up yourself: you will be taken to set it up right away.');
    return lines.join('\n\n');
  }

  const fieldErrors = saveError instanceof ApiError ? errorsByField(saveError.errors, ['requireMfa']) : {};
  return (
    <div className="card" data-testid="security-settings">
      <h2>Security</h2>
      <CheckboxField
        label="Require two-factor authentication for every admin"
        name="requireMfa"
        checked={value}
        disabled={!owner || busy || (data === undefined && !error)}
        onChange={(v) => void change(v)}
        errors={fieldErrors.requireMfa}
        hint={owner ? 'Admins without an authenticator app must set one up right after signing in; until then nothing else works for them.' : 'Only owners can change this.'}
      />
      {fieldErrors[''] && (
        <div className="banner error" role="alert">
          {fieldErrors[''].join(' ')}
        </div>
      )}
      <ErrorBanner error={saveError ? (Object.keys(fieldErrors).length ? null : saveError) : error} onRetry={!saveError && error ? reload : undefined} />
    </div>
  );
}

interface PasswordDraft {
  password: string;
  confirm: string;
}

/**
 * An owner sets another admin's password: PATCH {password} with If-Match. The server's password rules come
 * back as problem+json and are shown at the field; on 412 what was typed is kept (as in every editor).
 */
export function SetPasswordModal({ admin, onClose, onDone }: { admin: AdminDto; onClose: () => void; onDone: (a: AdminDto) => void }) {
  const ed = useEditor<AdminDto, PasswordDraft>(admin, () => ({ password: '', confirm: '' }), `/api/admins/${encodeURIComponent(admin.id)}`);
  const [mismatch, setMismatch] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (ed.draft.password !== ed.draft.confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    const saved = await ed.save({ password: ed.draft.password });
    if (saved) onDone(saved);
  }
  const byField = errorsByField(ed.fieldErrors, ['password']);
  return (
    <Modal title={`Set password for ${admin.username}`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        {ed.conflict && <ConflictBanner what="admin" onReload={() => void ed.reloadLatest(true)} />}
        {ed.changedOnServer.length > 0 && (
          <p className="banner info" role="status">
            Latest version loaded; what you typed is kept. Changed by the other person: {ed.changedOnServer.join(', ')}.
          </p>
        )}
        <p className="muted">Every session of {admin.username} ends. Their two-factor setup stays as it is.</p>
        <TextField
          label="New password"
          name="password"
          type="password"
          value={ed.draft.password}
          onChange={(v) => ed.setDraft({ ...ed.draft, password: v })}
          errors={byField.password}
          autoComplete="new-password"
          hint="At least 12 characters, not their username."
        />
        <TextField
          label="Confirm new password"
          name="confirm"
          type="password"
          value={ed.draft.confirm}
          onChange={(v) => ed.setDraft({ ...ed.draft, confirm: v })}
          errors={mismatch ? ['The passwords do not match.'] : undefined}
          autoComplete="new-password"
        />
        {byField[''] && (
          <div className="banner error" role="alert">
            {byField[''].join(' ')}
          </div>
        )}
        <ErrorBanner error={Object.keys(ed.fieldErrors).length ? null : ed.error} />
        <FormActions submit="Set password" busy={ed.busy} onCancel={onClose} />
      </form>
    </Modal>
  );
}
