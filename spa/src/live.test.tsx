import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockApi } from './test/fetchMock';
import { App } from './App';

class FakeEventSource {
  static CLOSED = 2;
  static instances: FakeEventSource[] = [];
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: (() => void) | null = null;
  onerror: (() => void) | null = null;
  listeners = new Map<string, (() => void)[]>();
  constructor(
    public url: string,
    public init?: EventSourceInit,
  ) {
    FakeEventSource.instances.push(this);
  }
  addEventListener(name: string, fn: () => void) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]);
  }
  emit(name: string) {
    if (name === 'message') this.onmessage?.();
    this.listeners.get(name)?.forEach((f) => f());
  }
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
}

describe('live updates', () => {
  beforeEach(() => {
    FakeEventSource.instances = [];
    vi.stubGlobal('EventSource', FakeEventSource);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('reloads the open page when the server announces a change', async () => {
    history.replaceState(null, '', '/nodes');
    let nodes = [{ id: 'n1', name: 'edge-1', endpoint: 'a.example', listenPort: 51820, ipv4Network: '10.44.0.0/24' }];
    mockApi((_m, url) => {
      if (url === '/api/auth/me') return { body: { id: 'a1', username: 'owner', role: 'owner' } };
      if (url === '/api/nodes') return { body: nodes };
      return undefined;
    });
    render(<App />);
    expect(await screen.findByText('edge-1')).toBeInTheDocument();
    const es = FakeEventSource.instances[0];
    expect(es.url).toBe('/api/events');
    es.readyState = 1;
    es.onopen?.();
    expect(await screen.findByText('● live')).toBeInTheDocument();
    nodes = [...nodes, { id: 'n2', name: 'edge-2', endpoint: 'b.example', listenPort: 51820, ipv4Network: '10.45.0.0/24' }];
    es.emit('change');
    expect(await screen.findByText('edge-2')).toBeInTheDocument();
    nodes = nodes.slice(1);
    es.emit('message');
    await waitFor(() => expect(screen.queryByText('edge-1')).not.toBeInTheDocument());
  });

  it('opens no event stream while the admin must set up MFA (the server refuses it), and does once they have', async () => {
    history.replaceState(null, '', '/account');
    let me = { id: 'ops', username: 'ops', role: 'admin', mfaEnabled: false, mfaRequired: true, mfaSetupRequired: true };
    mockApi((method, url) => {
      if (url === '/api/auth/me') return { body: me };
      if (url === '/api/auth/totp/setup' && method === 'POST') return { body: { secret: 'JBSWY3DPEHPK3PXP', otpauthUri: 'otpauth://totp/CloudWg:ops?secret=JBSWY3DPEHPK3PXP' } };
      if (url === '/api/auth/totp/confirm' && method === 'POST') {
        me = { ...me, mfaEnabled: true, mfaSetupRequired: false };
        return { body: { recoveryCodes: ['aaaa-bbbb'] } };
      }
      return undefined;
    });
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Set up authenticator' }));
    await user.type(await screen.findByLabelText('Code from your app'), '123456');
    expect(FakeEventSource.instances).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Turn on' }));
    await screen.findByTestId('recovery-codes');
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    expect(FakeEventSource.instances[0].url).toBe('/api/events');
  });
});
