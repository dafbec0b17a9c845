import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockApi } from './test/fetchMock';
import { App } from './App';

describe('App', () => {
  it('an expired session goes to sign-in and then back where the user was', async () => {
    const user = userEvent.setup();
    history.replaceState(null, '', '/nodes?x=1');
    let loggedIn = true;
    mockApi((method, url) => {
      if (url === '/api/auth/me') return loggedIn ? { body: { id: 'a1', username: 'owner', role: 'owner', mfaEnabled: false } } : { status: 401 };
      if (url === '/api/nodes') {
        if (loggedIn) {
          loggedIn = false; // the session expires while the page loads
          return { status: 401, body: { title: 'Unauthorized', status: 401 } };
        }
        return { status: 401 };
      }
      if (url === '/api/auth/login' && method === 'POST') {
        loggedIn = true;
        return { body: { mfaRequired: false } };
      }
      return undefined;
    });
    render(<App />);
    expect(await screen.findByText(/Your session ended/)).toBeInTheDocument();
    // The sign-in page renders first; the address follows in an effect.
    await waitFor(() => expect(location.pathname).toBe('/login'));
    expect(new URLSearchParams(location.search).get('next')).toBe('/nodes?x=1');
    mockApi((method, url) => {
      if (url === '/api/auth/login' && method === 'POST') return { body: { mfaRequired: false } };
      if (url === '/api/auth/me') return { body: { id: 'a1', username: 'owner', role: 'owner', mfaEnabled: false } };
      if (url === '/api/nodes') return { body: [] };
      return undefined;
    });
    await user.type(screen.getByLabelText('Username'), 'owner');
    await user.type(screen.getByLabelText('Password'), 'a long password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'Nodes' })).toBeInTheDocument();
    await waitFor(() => expect(location.pathname + location.search).toBe('/nodes?x=1'));
    expect(screen.getByText('No nodes yet')).toBeInTheDocument();
  });

  it('never follows a next= link to another site', async () => {
    history.replaceState(null, '', '/login?next=//evil.example/');
    mockApi((_method, url) => {
      if (url === '/api/auth/me') return { body: { id: 'a1', username: 'owner', role: 'owner' } };
      if (url === '/api/nodes') return { body: [] };
      return undefined;
    });
    render(<App />);
    await waitFor(() => expect(location.pathname).toBe('/'));
  });

  it('holds an admin who must set up MFA on the account page until they have, then lets them go', async () => {
    const user = userEvent.setup();
    history.replaceState(null, '', '/nodes');
    let me = { id: 'ops', username: 'ops', role: 'admin', mfaEnabled: false, mfaRequired: true, mfaSetupRequired: true };
    const calls = mockApi((method, url) => {
      if (url === '/api/auth/me') return { body: me };
      if (url === '/api/auth/totp/setup' && method === 'POST') return { body: { secret: 'JBSWY3DPEHPK3PXP', otpauthUri: 'otpauth://totp/CloudWg:ops?secret=JBSWY3DPEHPK3PXP&issuer=CloudWg' } };
      if (url === '/api/auth/totp/confirm' && method === 'POST') {
        me = { ...me, mfaEnabled: true, mfaSetupRequired: false };
        return { body: { recoveryCodes: ['aaaa-bbbb'] } };
      }
      if (url === '/api/nodes') return { body: [] };
      return undefined;
    });
    render(<App />);
    expect(await screen.findByText(/requires two-factor authentication for every admin/)).toBeInTheDocument();
    await waitFor(() => expect(location.pathname).toBe('/account'));
    // Every other page sends them back.
    await user.click(screen.getByRole('link', { name: 'Nodes' }));
    await waitFor(() => expect(location.pathname).toBe('/account'));
    expect(calls.some((c) => c.url === '/api/nodes')).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Set up authenticator' }));
    await user.type(await screen.findByLabelText('Code from your app'), '123456');
    await user.click(screen.getByRole('button', { name: 'Turn on' }));
    expect(await screen.findByTestId('recovery-codes')).toHaveTextContent('aaaa-bbbb');
    await user.click(screen.getByRole('button', { name: 'I have saved them' }));
    expect(screen.getByText('Two-factor authentication is on.')).toBeInTheDocument();
    await user.click(screen.getByRole('link', { name: 'Nodes' }));
    expect(await screen.findByRole('heading', { name: 'Nodes' })).toBeInTheDocument();
    expect(location.pathname).toBe('/nodes');
  });
});
