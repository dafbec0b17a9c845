import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockApi } from '../test/fetchMock';
import { Login } from './Login';

describe('Login', () => {
  it('asks for the code when MFA is required, and exchanges the MFA token', async () => {
    const user = userEvent.setup();
    const calls = mockApi((_method, url) => {
      if (url === '/api/auth/login') return { body: { mfaRequired: true, mfaToken: 'step-token' } };
      if (url === '/api/auth/mfa') return { body: {} };
      return undefined;
    });
    const done = vi.fn();
    render(<Login onLoggedIn={done} />);
    await user.type(screen.getByLabelText('Username'), 'owner');
    await user.type(screen.getByLabelText('Password'), 'a long password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await user.type(await screen.findByLabelText('Authentication code'), '123 456');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    await waitFor(() => expect(done).toHaveBeenCalled());
    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts.map((c) => c.url)).toEqual(['/api/auth/login', '/api/auth/mfa']);
    expect(JSON.parse(posts[0].body)).toEqual({ username: 'owner', password: 'a long password' });
    expect(JSON.parse(posts[1].body)).toEqual({ mfaToken: 'step-token', code: '123456' });
    expect(posts[1].headers['X-CloudWg-Request']).toBe('1');
  });

  it('says the same thing for any failed sign-in and keeps the username', async () => {
    const user = userEvent.setup();
    mockApi(() => ({ status: 401, body: { title: 'Unauthorized', status: 401 } }));
    render(<Login onLoggedIn={() => undefined} />);
    await user.type(screen.getByLabelText('Username'), 'owner');
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong username or password.');
    expect(screen.getByLabelText('Username')).toHaveValue('owner');
  });

  it('shows that the session ended', () => {
    render(<Login onLoggedIn={() => undefined} expired />);
    expect(screen.getByRole('status')).toHaveTextContent(/session ended/);
  });
});

describe('Login on a fresh control plane', () => {
  it('goes to the setup page while no owner exists', async () => {
    history.replaceState(null, '', '/login');
    mockApi((_m, url) => (url === '/api/setup' ? { body: { setupRequired: true } } : undefined));
    render(<Login onLoggedIn={() => undefined} />);
    await waitFor(() => expect(location.pathname).toBe('/setup'));
  });
});
