import { formatBytes } from '../format';

export interface BarDatum {
  label: string;
  rx: number;
  tx: number;
}

/** Received/sent bytes per item as paired horizontal bars. Plain SVG, with a text equivalent. */
export function TrafficChart({ title, data }: { title: string; data: BarDatum[] }) {
  if (data.every((d) => d.rx + d.tx === 0)) return <p className="muted">No traffic reported yet.</p>;
  const max = Math.max(1, ...data.map((d) => Math.max(d.rx, d.tx)));
  const rowH = 26;
  const labelW = 110;
  const width = 420;
  const barW = width - labelW - 80;
  const height = data.length * rowH + 24;
  const summary = data.map((d) => `${d.label}: received ${formatBytes(d.rx)}, sent ${formatBytes(d.tx)}`).join('; ');
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${title}. ${summary}`} preserveAspectRatio="xMinYMin meet">
        {data.map((d, i) => {
          const y = i * rowH + 4;
          const label = d.label.length > 16 ? `${d.label.slice(0, 15)}…` : d.label;
          return (
            <g key={`${d.label}-${i}`}>
              <text x={0} y={y + 14} className="chart-label">
                {label}
              </text>
              <rect x={labelW} y={y + 2} height={8} width={(d.rx / max) * barW} className="bar-rx" rx={2} />
              <rect x={labelW} y={y + 12} height={8} width={(d.tx / max) * barW} className="bar-tx" rx={2} />
              <text x={labelW + barW + 6} y={y + 14} className="chart-value">
                {formatBytes(d.rx + d.tx)}
              </text>
            </g>
          );
        })}
        <g transform={`translate(${labelW}, ${height - 10})`}>
          <rect width={10} height={8} className="bar-rx" />
          <text x={14} y={8} className="chart-label">
            received
          </text>
          <rect x={80} width={10} height={8} className="bar-tx" />
          <text x={94} y={8} className="chart-label">
            sent
          </text>
        </g>
      </svg>
    </figure>
  );
}
