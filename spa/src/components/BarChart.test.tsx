import { render, screen } from '@testing-library/react';
import { TrafficChart } from './BarChart';

describe('TrafficChart', () => {
  it('draws bars proportional to traffic with a text equivalent', () => {
    const { container } = render(
      <TrafficChart
        title="Traffic per node"
        data={[
          { label: 'a', rx: 1024, tx: 2048 },
          { label: 'b', rx: 512, tx: 0 },
        ]}
      />,
    );
    const img = screen.getByRole('img');
    expect(img).toHaveAccessibleName(/a: received 1.0 KiB, sent 2.0 KiB; b: received 512 B, sent 0 B/);
    const rx = Array.from(container.querySelectorAll('rect.bar-rx')).slice(0, 2).map((r) => Number(r.getAttribute('width')));
    const tx = Array.from(container.querySelectorAll('rect.bar-tx')).slice(0, 2).map((r) => Number(r.getAttribute('width')));
    expect(tx[0]).toBeGreaterThan(rx[0]);
    expect(rx[0]).toBeCloseTo(rx[1] * 2);
    expect(tx[1]).toBe(0);
  });

  it('has an empty state', () => {
    render(<TrafficChart title="t" data={[]} />);
    expect(screen.getByText('No traffic reported yet.')).toBeInTheDocument();
  });
});
