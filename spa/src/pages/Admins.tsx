import { useState } from 'react';
import { api, ApiError, asList } from '../api/client';
import type { AdminDto } from '../api/types';
import { ResourceModal, deleteWithEtag } from '../components/ResourceModal';
import { Empty, ErrorBanner, Loading, SelectField, StatusBadge, TextField, useLoad } from '../components/ui';
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
  const { data, error, loading, reload } = useLoad(async () => asList<AdminDto>(await api.get('/api/admins')), [tick]);
  const [creating, setCreating] = useState(false);
  const [rowError, setRowError] = useState<unknown>(null);
  if (me.role !== 'owner') return <Empty title="Owners only">Only owners manage admin accounts.</Empty>;

  async function patch(a: AdminDto, body: Record<string, unknown>) {
    setRowError(null);
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
