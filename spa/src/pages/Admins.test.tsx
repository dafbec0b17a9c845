import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { AdminDto } from '../api/types';
import { mockApi } from '../test/fetchMock';
import { owner, renderWithApp } from '../test/renderWithApp';
import { Admins, RequireMfaSetting } from './Admins';

function admin(over: Partial<AdminDto>): AdminDto {
  return { id: 'ops', etag: 'W/"1"', username: 'ops', role: 'admin', disabled: false, mfaEnabled: false, lastLoginAt: null, ...over };
}

const self = admin({ id: owner.id, username: owner.username, role: 'owner', mfaEnabled: true });

afterEach(() => vi.restoreAllMocks());

describe('Require MFA setting', () => {
  it('shows the current value and lets an owner turn it on after confirming', async () => {
    const user = userEvent.setup();
    let requireMfa = false;
    const calls = mockApi((method, url, body) => {
      if (url === '/api/admins') return { body: [self, admin({}), admin({ id: 'old', username: 'old', disabled: true })] };
      if (url === '/api/auth/settings' && method === 'GET') return { body: { requireMfa } };
      if (url === '/api/auth/settings' && method === 'PUT') {
        requireMfa = (body as { requireMfa: boolean }).requireMfa;
        return { body: { requireMfa } };
      }
      return undefined;
    });
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(false);
    const refreshMe = vi.fn();
    renderWithApp(<Admins />, { refreshMe });
    await screen.findByRole('cell', { name: 'ops' });
    const box = screen.getByRole('checkbox', { name: 'Require two-factor authentication for every admin' });
    // Not switchable before the server said how it is.
    await waitFor(() => expect(box).toBeEnabled());
    expect(box).not.toBeChecked();

    // Cancelled: nothing is sent and the box stays as the server has it.
    await user.click(box);
    expect(confirm).toHaveBeenCalledTimes(1);
    // The enabled admin without MFA is named; the disabled one and the owner (who has MFA) are not.
    expect(confirm.mock.calls[0][0]).toMatch(/Not set up yet: ops\./);
    expect(confirm.mock.calls[0][0]).not.toMatch(/old|yourself/);
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0);
    expect(box).not.toBeChecked();

    confirm.mockReturnValue(true);
    await user.click(box);
    await waitFor(() => expect(box).toBeChecked());
    const puts = calls.filter((c) => c.method === 'PUT');
    expect(puts).toHaveLength(1);
    expect(puts[0].url).toBe('/api/auth/settings');
    expect(JSON.parse(puts[0].body)).toEqual({ requireMfa: true });
    expect(puts[0].headers['X-CloudWg-Request']).toBe('1');
    // The owner's own /me (mfaRequired, mfaSetupRequired) is re-read.
    expect(refreshMe).toHaveBeenCalled();

    await user.click(box);
    expect(confirm.mock.calls[2][0]).toMatch(/Stop requiring/);
    await waitFor(() => expect(box).not.toBeChecked());
    expect(JSON.parse(calls.filter((c) => c.method === 'PUT')[1].body)).toEqual({ requireMfa: false });
  });

  it('warns an owner without MFA that they will have to set it up', async () => {
    const user = userEvent.setup();
    mockApi((_m, url) => (url === '/api/auth/settings' ? { body: { requireMfa: false } } : undefined));
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(false);
    renderWithApp(<RequireMfaSetting admins={[]} />, { me: { ...owner, mfaEnabled: false } });
    const box = screen.getByRole('checkbox', { name: /Require two-factor/ });
    await waitFor(() => expect(box).toBeEnabled());
    await user.click(box);
    expect(confirm.mock.calls[0][0]).toMatch(/You have not set it up yourself/);
  });

  it('shows problem+json errors inline: a field error at the switch, anything else as a banner', async () => {
    const user = userEvent.setup();
    let answer: { status: number; body: unknown } = { status: 400, body: { title: 'Validation failed', status: 400, errors: { requireMfa: ['requireMfa is required: true or false.'] } } };
    mockApi((method, url) => {
      if (url === '/api/auth/settings' && method === 'GET') return { body: { requireMfa: false } };
      if (url === '/api/auth/settings' && method === 'PUT') return answer;
      return undefined;
    });
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    renderWithApp(<RequireMfaSetting admins={[]} />);
    const box = screen.getByRole('checkbox', { name: /Require two-factor/ });
    await waitFor(() => expect(box).toBeEnabled());
    await user.click(box);
    await waitFor(() => expect(box).toHaveAttribute('aria-invalid', 'true'));
    expect(box).toHaveAccessibleDescription(/requireMfa is required: true or false\./);
    expect(box).not.toBeChecked();

    answer = { status: 403, body: { title: 'Forbidden', status: 403, detail: 'Only owners can change security settings.' } };
    await user.click(box);
    expect(await screen.findByRole('alert')).toHaveTextContent('Only owners can change security settings.');
    expect(box).not.toHaveAttribute('aria-invalid');
    expect(box).not.toBeChecked();
  });

  it('is read-only for anyone but an owner', async () => {
    mockApi((_m, url) => (url === '/api/auth/settings' ? { body: { requireMfa: true } } : undefined));
    renderWithApp(<RequireMfaSetting />, { me: { id: 'v', username: 'viewer', role: 'viewer', mfaEnabled: true } });
    const box = screen.getByRole('checkbox', { name: /Require two-factor/ });
    await waitFor(() => expect(box).toBeChecked());
    expect(box).toBeDisabled();
    expect(box).toHaveAccessibleDescription('Only owners can change this.');
  });

  it('is not on the Admins page for a non-owner, which asks the server nothing', async () => {
    const calls = mockApi(() => undefined);
    renderWithApp(<Admins />, { me: { id: 'x', username: 'adm', role: 'admin' } });
    await act(async () => undefined);
    expect(screen.getByText('Owners only')).toBeInTheDocument();
    expect(screen.queryByRole('checkbox')).not.toBeInTheDocument();
    expect(calls).toHaveLength(0);
  });
});

describe('Set another admin’s password', () => {
  function rowOf(name: string) {
    return screen.getByRole('cell', { name }).closest('tr')!;
  }

  it('sends the password with If-Match and shows the server’s password rule next to the field', async () => {
    const user = userEvent.setup();
    let etag = 'W/"1"';
    const calls = mockApi((method, url, body) => {
      if (url === '/api/admins') return { body: [self, admin({ etag })] };
      if (url === '/api/auth/settings') return { body: { requireMfa: false } };
      if (url === '/api/admins/ops' && method === 'PATCH') {
        const password = (body as { password: string }).password;
        if (password.length < 12) return { status: 400, body: { title: 'Validation failed', status: 400, errors: { password: ['Password must be at least 12 characters long.'] } } };
        etag = 'W/"2"';
        return { body: admin({ etag }), headers: { ETag: etag } };
      }
      return undefined;
    });
    renderWithApp(<Admins />);
    await screen.findByRole('cell', { name: 'ops' });
    // Not offered for oneself: that is the Account page, with the current password.
    expect(within(rowOf(`${owner.username} (you)`)).queryByRole('button', { name: 'Set password' })).not.toBeInTheDocument();
    await user.click(within(rowOf('ops')).getByRole('button', { name: 'Set password' }));
    const dialog = screen.getByRole('dialog', { name: 'Set password for ops' });

    // A typo in the confirmation is caught before anything is sent.
    await user.type(within(dialog).getByLabelText('New password'), 'short');
    await user.type(within(dialog).getByLabelText('Confirm new password'), 'shorter');
    await user.click(within(dialog).getByRole('button', { name: 'Set password' }));
    expect(within(dialog).getByLabelText('Confirm new password')).toHaveAccessibleDescription('The passwords do not match.');
    expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(0);

    await user.clear(within(dialog).getByLabelText('Confirm new password'));
    await user.type(within(dialog).getByLabelText('Confirm new password'), 'short');
    await user.click(within(dialog).getByRole('button', { name: 'Set password' }));
    const field = within(dialog).getByLabelText('New password');
    await waitFor(() => expect(field).toHaveAttribute('aria-invalid', 'true'));
    expect(field).toHaveAccessibleDescription(/Password must be at least 12 characters long\./);
    expect(within(dialog).getByLabelText('Confirm new password')).not.toHaveAttribute('aria-invalid');

    await user.clear(field);
    await user.type(field, 'a brand new long password');
    await user.clear(within(dialog).getByLabelText('Confirm new password'));
    await user.type(within(dialog).getByLabelText('Confirm new password'), 'a brand new long password');
    await user.click(within(dialog).getByRole('button', { name: 'Set password' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(screen.getByRole('status')).toHaveTextContent('New password set for ops');

    const patches = calls.filter((c) => c.method === 'PATCH');
    expect(patches).toHaveLength(2);
    expect(patches[1].url).toBe('/api/admins/ops');
    expect(patches[1].headers['If-Match']).toBe('W/"1"');
    expect(patches[1].headers['X-CloudWg-Request']).toBe('1');
    expect(JSON.parse(patches[1].body)).toEqual({ password: 'a brand new long password' });
  });

  it('on 412 keeps what was typed, reloads the version and saves against it', async () => {
    const user = userEvent.setup();
    const calls = mockApi((method, url, _body, headers) => {
      if (url === '/api/admins') return { body: [self, admin({ etag: 'W/"1"' })] };
      if (url === '/api/auth/settings') return { body: { requireMfa: false } };
      if (url === '/api/admins/ops' && method === 'GET') return { body: admin({ etag: 'W/"5"', role: 'viewer' }), headers: { ETag: 'W/"5"' } };
      if (url === '/api/admins/ops' && method === 'PATCH') {
        if (headers['If-Match'] !== 'W/"5"') return { status: 412, body: { title: 'Precondition failed', status: 412, detail: 'The admin was changed by someone else; reload and try again.' } };
        return { body: admin({ etag: 'W/"6"', role: 'viewer' }) };
      }
      return undefined;
    });
    renderWithApp(<Admins />);
    await screen.findByRole('cell', { name: 'ops' });
    await user.click(within(rowOf('ops')).getByRole('button', { name: 'Set password' }));
    const dialog = screen.getByRole('dialog', { name: 'Set password for ops' });
    await user.type(within(dialog).getByLabelText('New password'), 'a brand new long password');
    await user.type(within(dialog).getByLabelText('Confirm new password'), 'a brand new long password');
    await user.click(within(dialog).getByRole('button', { name: 'Set password' }));
    expect(await within(dialog).findByTestId('conflict')).toHaveTextContent(/changed by someone else/);
    await user.click(within(dialog).getByRole('button', { name: 'Reload latest (keep my edits)' }));
    expect(await within(dialog).findByText(/Changed by the other person: role/)).toBeInTheDocument();
    expect(within(dialog).getByLabelText('New password')).toHaveValue('a brand new long password');
    await user.click(within(dialog).getByRole('button', { name: 'Set password' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const patches = calls.filter((c) => c.method === 'PATCH');
    expect(patches.map((c) => c.headers['If-Match'])).toEqual(['W/"1"', 'W/"5"']);
    expect(JSON.parse(patches[1].body)).toEqual({ password: 'a brand new long password' });
  });
});
