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
});
