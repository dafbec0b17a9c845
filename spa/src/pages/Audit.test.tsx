import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockApi } from '../test/fetchMock';
import { renderWithApp } from '../test/renderWithApp';
import { Audit, shortVersion } from './Audit';

describe('Audit', () => {
  it('filters through the API and pages with the continuation', async () => {
    const user = userEvent.setup();
    const calls = mockApi((_m, url) => {
      const q = new URL(url, 'http://x').searchParams;
      if (q.get('continuation') === 'p2') return { body: { items: [{ id: '3', at: '2026-01-01T00:00:00Z', actor: 'owner', action: 'peer.create', outcome: 'success', resourceType: 'peer' }], continuation: null } };
      return { body: { items: [{ id: '1', at: '2026-01-02T00:00:00Z', actor: 'owner', action: 'peer.update', outcome: 'success', resourceType: 'peer' }], continuation: 'p2' } };
    });
    renderWithApp(<Audit />);
    expect(await screen.findByText('peer.update')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Action'), 'peer.');
    await user.click(screen.getByRole('button', { name: 'Filter' }));
    expect(calls.at(-1)!.url).toBe('/api/audit?action=peer.');
    await user.click(await screen.findByRole('button', { name: 'Load older entries' }));
    expect(await screen.findByText('peer.create')).toBeInTheDocument();
    expect(calls.at(-1)!.url).toBe('/api/audit?action=peer.&continuation=p2');
    expect(screen.queryByRole('button', { name: 'Load older entries' })).not.toBeInTheDocument();
  });

  it('shows Table Storage ETags as times', () => {
    expect(shortVersion(`W/"datetime'2026-11-23T19%3A30%3A42.8165551Z'"`)).toBe(new Date('2026-11-23T19:30:42.8165551Z').toLocaleTimeString());
    expect(shortVersion(null)).toBe('—');
    expect(shortVersion(7)).toBe('7');
  });
});
