import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { NodeDto, PeerDto } from '../api/types';
import { parseWireGuardConfig } from '../crypto/config';
import { fromBase64, generateKeyPair, publicKeyFromPrivate } from '../crypto/keys';
import { mockApi, requestText } from '../test/fetchMock';
import { renderWithApp } from '../test/renderWithApp';
import { CreatePeer, EditPeer, PeersTab } from './Peers';

const node: NodeDto = { id: 'n1', name: 'edge-1', endpoint: 'vpn.example.com', listenPort: 51820, ipv4Network: '10.44.0.0/24', publicKey: generateKeyPair().publicKey, dns: ['192.0.2.53'] };

function peer(over: Partial<PeerDto>): PeerDto {
  return { id: 'p1', etag: 'W/"1"', name: 'alice', publicKey: generateKeyPair().publicKey, addresses: ['10.44.0.2/32'], allowedIps: ['10.44.0.2/32'], enabled: true, ...over };
}

async function createdConfig(n: NodeDto) {
  const user = userEvent.setup();
  mockApi((method, _url, body) => (method === 'POST' ? { status: 201, body: { ...(body as object), id: 'p9', addresses: ['10.44.0.9/32'] } } : undefined));
  render(<CreatePeer node={n} onClose={() => undefined} />);
  await user.type(screen.getByLabelText('Name'), 'laptop');
  await user.click(screen.getByRole('button', { name: 'Create peer' }));
  const dialog = await screen.findByRole('dialog', { name: 'Peer "laptop" created' });
  await user.click(within(dialog).getByRole('button', { name: 'Show config text' }));
  return parseWireGuardConfig(within(dialog).getByTestId('config-text').textContent!);
}

describe('CreatePeer routes', () => {
  it('offers no full tunnel on a node without egress and says why; the config routes only its networks', async () => {
    const noExit = { ...node, egress: false };
    render(<CreatePeer node={noExit} onClose={() => undefined} />);
    expect(screen.queryByLabelText('Client routes')).not.toBeInTheDocument();
    expect(screen.getByTestId('split-tunnel-note')).toHaveTextContent(/not an exit node/);
    cleanup();

    const [iface, p] = await createdConfig(noExit);
    expect(p.values.allowedips).toBe('10.44.0.0/24');
    // The DNS line names the resolvers the operator chose, nothing made up.
    expect(iface.values.dns).toBe('192.0.2.53');
  });

  it('defaults to the full tunnel on an exit node', async () => {
    const [, p] = await createdConfig({ ...node, egress: true });
    expect(p.values.allowedips).toBe('0.0.0.0/0, ::/0');
  });

  it('writes no DNS line when the node names no resolver', async () => {
    const [iface] = await createdConfig({ ...node, dns: [] });
    expect(iface.values.dns).toBeUndefined();
  });
});

describe('CreatePeer', () => {
  it('sends only the public key; the config and QR are made locally from the private key', async () => {
    const user = userEvent.setup();
    const calls = mockApi((method, url, body) => {
      if (method === 'POST' && url === '/api/nodes/n1/peers') {
        const b = body as Record<string, unknown>;
        return { status: 201, body: { ...b, id: 'p1', etag: 'W/"1"', nodeId: 'n1', addresses: ['10.44.0.7/32'], enabled: true } };
      }
      return undefined;
    });
    render(<CreatePeer node={node} onClose={() => undefined} />);
    await user.type(screen.getByLabelText('Name'), 'alice-laptop');
    await user.type(screen.getByLabelText('Notes'), 'work laptop');
    await user.click(screen.getByRole('button', { name: 'Create peer' }));
    const dialog = await screen.findByRole('dialog', { name: 'Peer "alice-laptop" created' });
    expect(within(dialog).getByRole('img', { name: /QR code with the WireGuard config/ })).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Show config text' }));
    const config = within(dialog).getByTestId('config-text').textContent!;
    const [iface, p] = parseWireGuardConfig(config);
    const privateKey = iface.values.privatekey;
    expect(iface.values.address).toBe('10.44.0.7/32');
    expect(p.values.publickey).toBe(node.publicKey);

    expect(calls).toHaveLength(1);
    const sent = JSON.parse(calls[0].body);
    expect(sent.publicKey).toBe(publicKeyFromPrivate(privateKey));
    expect(sent).not.toHaveProperty('privateKey');
    expect(sent.notes).toBe('work laptop');
    expect(p.values.presharedkey).toBe(sent.presharedKey);
    const raw = fromBase64(privateKey);
    const needles = [privateKey, encodeURIComponent(privateKey), Buffer.from(raw).toString('hex'), Buffer.from(raw).toString('base64url')];
    for (const c of calls) for (const n of needles) expect(requestText(c)).not.toContain(n);
  });

  it('shows the API message at the field it names and keeps the form', async () => {
    const user = userEvent.setup();
    mockApi(() => ({ status: 400, body: { title: 'Validation failed', status: 400, detail: 'One or more fields are invalid.', errors: { addresses: ['10.99.0.2 is outside the node networks.'] } } }));
    render(<CreatePeer node={node} onClose={() => undefined} />);
    await user.type(screen.getByLabelText('Name'), 'bob');
    await user.type(screen.getByLabelText('Addresses (optional)'), '10.99.0.2');
    await user.click(screen.getByRole('button', { name: 'Create peer' }));
    const input = screen.getByLabelText('Addresses (optional)');
    await waitFor(() => expect(input).toHaveAttribute('aria-invalid', 'true'));
    expect(input).toHaveAccessibleDescription(/outside the node networks/);
    expect(screen.getByLabelText('Name')).toHaveValue('bob');
  });

  it('accepts a public key made on the device and validates it before sending', async () => {
    const user = userEvent.setup();
    const calls = mockApi((method, _url, body) => (method === 'POST' ? { status: 201, body: { ...(body as object), id: 'p2', addresses: ['10.44.0.3/32'] } } : undefined));
    render(<CreatePeer node={node} onClose={() => undefined} />);
    await user.type(screen.getByLabelText('Name'), 'phone');
    await user.click(screen.getByLabelText(/Use a public key made on the device/));
    await user.type(screen.getByLabelText('Device public key'), 'nonsense');
    await user.click(screen.getByRole('button', { name: 'Create peer' }));
    expect(await screen.findByText(/44 characters of base64/)).toBeInTheDocument();
    expect(calls).toHaveLength(0);
    const own = generateKeyPair().publicKey;
    await user.clear(screen.getByLabelText('Device public key'));
    await user.type(screen.getByLabelText('Device public key'), own);
    await user.click(screen.getByRole('button', { name: 'Create peer' }));
    await screen.findByRole('dialog', { name: 'Peer "phone" created' });
    expect(JSON.parse(calls[0].body).publicKey).toBe(own);
  });
});

describe('EditPeer', () => {
  it('on 412 keeps what the user typed, reloads the version, and saves with the new ETag', async () => {
    const user = userEvent.setup();
    const original = peer({ notes: 'old' });
    const latest = { ...original, etag: 'W/"2"', persistentKeepalive: 15 };
    let patches = 0;
    const calls = mockApi((method, url, body) => {
      if (method === 'PATCH') {
        patches++;
        return patches === 1 ? { status: 412, body: { title: 'Precondition failed', status: 412, detail: 'Changed by someone else, reload.' } } : { body: { ...latest, ...(body as object), etag: 'W/"3"' } };
      }
      if (method === 'GET' && url === '/api/peers/p1') return { body: latest };
      return undefined;
    });
    const onClose = vi.fn();
    render(<EditPeer peer={original} onClose={onClose} />);
    const notes = screen.getByLabelText('Notes');
    await user.clear(notes);
    await user.type(notes, 'my edit');
    await user.click(screen.getByRole('button', { name: 'Save peer' }));
    expect(await screen.findByTestId('conflict')).toHaveTextContent(/changed by someone else/i);
    expect(screen.getByLabelText('Notes')).toHaveValue('my edit');
    await user.click(screen.getByRole('button', { name: 'Reload latest (keep my edits)' }));
    expect(await screen.findByText(/Changed by the other person: persistentKeepalive/)).toBeInTheDocument();
    expect(screen.getByLabelText('Notes')).toHaveValue('my edit');
    await user.click(screen.getByRole('button', { name: 'Save peer' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    const patchCalls = calls.filter((c) => c.method === 'PATCH');
    expect(patchCalls.map((c) => c.headers['If-Match'])).toEqual(['W/"1"', 'W/"2"']);
    expect(JSON.parse(patchCalls[1].body).notes).toBe('my edit');
  });
});

describe('PeersTab', () => {
  it('lists peers with stats, and filters by search and state', async () => {
    const user = userEvent.setup();
    const recent = new Date(Date.now() - 30_000).toISOString();
    mockApi((method, url) =>
      method === 'GET' && url === '/api/nodes/n1/peers'
        ? { body: [peer({ id: 'p1', name: 'alice', lastHandshakeAt: recent, endpoint: '198.51.100.7:51000', rxBytes: 2048, txBytes: 1048576 }), peer({ id: 'p2', name: 'bob', enabled: false, addresses: ['10.44.0.3/32'] })] }
        : undefined,
    );
    renderWithApp(<PeersTab node={node} />);
    const alice = await screen.findByText('alice');
    const row = alice.closest('tr')!;
    expect(row).toHaveTextContent('198.51.100.7:51000');
    expect(row).toHaveTextContent('2.0 KiB / 1.0 MiB');
    expect(row).toHaveTextContent('30s ago');
    await user.type(screen.getByLabelText('Search peers'), '10.44.0.3');
    expect(screen.queryByText('alice')).not.toBeInTheDocument();
    expect(screen.getByText('bob')).toBeInTheDocument();
    await user.clear(screen.getByLabelText('Search peers'));
    await user.selectOptions(screen.getByLabelText('Show'), 'disabled');
    expect(screen.queryByText('alice')).not.toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText('Show'), 'expired');
    expect(screen.getByText('No peers match')).toBeInTheDocument();
  });

  it('disables a peer with If-Match and the CSRF header', async () => {
    const user = userEvent.setup();
    const calls = mockApi((method, url) => {
      if (method === 'GET' && url === '/api/nodes/n1/peers') return { body: [peer({})] };
      if (method === 'PATCH') return { body: peer({ enabled: false, etag: 'W/"2"' }) };
      return undefined;
    });
    renderWithApp(<PeersTab node={node} />);
    await user.click(await screen.findByRole('button', { name: 'Disable alice' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH')).toBe(true));
    const patch = calls.find((c) => c.method === 'PATCH')!;
    expect(patch.url).toBe('/api/peers/p1');
    expect(patch.headers['If-Match']).toBe('W/"1"');
    expect(patch.headers['X-CloudWg-Request']).toBe('1');
    expect(JSON.parse(patch.body)).toEqual({ enabled: false });
  });

  it('shows an empty state and hides writes from viewers', async () => {
    mockApi(() => ({ body: [] }));
    renderWithApp(<PeersTab node={node} />, { me: { id: 'v', username: 'v', role: 'viewer' } });
    expect(await screen.findByText('No peers on this node yet')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Add peer' })).not.toBeInTheDocument();
  });
});
