import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { NodeDto } from '../api/types';
import { mockApi } from '../test/fetchMock';
import { renderWithApp } from '../test/renderWithApp';
import { RoutesTab } from './Routes';
import { FirewallTab } from './Firewall';

const node: NodeDto = { id: 'n1', name: 'edge-1', endpoint: 'vpn.example.com', listenPort: 51820, ipv4Network: '10.44.0.0/24', l4Listen: [':443'] };

describe('route editor', () => {
  it('shows each problem+json error at its field', async () => {
    const user = userEvent.setup();
    const calls = mockApi((method, url) => {
      if (url === '/api/nodes/n1/routes' && method === 'GET') return { body: [] };
      if (url === '/api/nodes/n1/peers') return { body: [{ id: 'p1', name: 'alice', publicKey: 'k', addresses: ['10.44.0.2/32'], enabled: true }] };
      if (method === 'POST')
        return { status: 400, body: { title: 'Validation failed', status: 400, detail: 'One or more fields are invalid.', errors: { 'sni[0]': ['"bad_name" is not a valid host name.'], port: ['The port must be from 1 to 65535.'] } } };
      return undefined;
    });
    renderWithApp(<RoutesTab node={node} />);
    await user.click(await screen.findByRole('button', { name: 'Add route' }));
    const dialog = screen.getByRole('dialog', { name: 'Add route' });
    await user.type(within(dialog).getByLabelText('Host names (SNI)'), 'bad_name');
    await user.clear(within(dialog).getByLabelText('Upstream port on the peer'));
    await user.type(within(dialog).getByLabelText('Upstream port on the peer'), '70000');
    await user.click(within(dialog).getByRole('button', { name: 'Create route' }));
    const sni = within(dialog).getByLabelText('Host names (SNI)');
    await waitFor(() => expect(sni).toHaveAttribute('aria-invalid', 'true'));
    expect(sni).toHaveAccessibleDescription(/not a valid host name/);
    expect(within(dialog).getByLabelText('Upstream port on the peer')).toHaveAccessibleDescription(/1 to 65535/);
    expect(within(dialog).getByLabelText('Peer')).not.toHaveAttribute('aria-invalid');
    const post = calls.find((c) => c.method === 'POST')!;
    expect(JSON.parse(post.body)).toEqual({ sni: ['bad_name'], peerId: 'p1', port: 70000, proxyProtocol: 'none', enabled: true });
  });
});

describe('firewall editor', () => {
  it('shows field errors and sends typed lists', async () => {
    const user = userEvent.setup();
    const calls = mockApi((method, url) => {
      if (url === '/api/nodes/n1/firewall-rules' && method === 'GET') return { body: [] };
      if (method === 'POST') return { status: 400, body: { title: 'Validation failed', status: 400, errors: { Sources: ['Use canonical CIDRs.'] } } };
      return undefined;
    });
    renderWithApp(<FirewallTab node={node} />);
    expect(await screen.findByText('No firewall rules')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Add rule' }));
    const dialog = screen.getByRole('dialog', { name: 'Add firewall rule' });
    await user.type(within(dialog).getByLabelText('Ports'), '22, 8000-8100');
    await user.type(within(dialog).getByLabelText('Sources'), '10.0.0.1/8');
    await user.click(within(dialog).getByRole('button', { name: 'Create firewall rule' }));
    await waitFor(() => expect(within(dialog).getByLabelText('Sources')).toHaveAttribute('aria-invalid', 'true'));
    expect(within(dialog).getByLabelText('Sources')).toHaveAccessibleDescription(/canonical CIDRs/);
    const body = JSON.parse(calls.find((c) => c.method === 'POST')!.body);
    expect(body.ports).toEqual(['22', '8000-8100']);
    expect(body.sources).toEqual(['10.0.0.1/8']);
    expect(body.priority).toBe(100);
  });
});
