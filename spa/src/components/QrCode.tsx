import { useMemo } from 'react';
import { qrMatrix, qrPath } from '../crypto/qr';

/** Rendered as SVG in the browser: the content (which may hold a private key) never leaves the page. */
export function QrCode({ text, label, size = 256 }: { text: string; label: string; size?: number }) {
  const m = useMemo(() => qrMatrix(text), [text]);
  const total = m.size + 8;
  return (
    <svg className="qr" role="img" aria-label={label} width={size} height={size} viewBox={`0 0 ${total} ${total}`} shapeRendering="crispEdges" data-modules={m.size}>
      <rect width={total} height={total} fill="#fff" />
      <path d={qrPath(m)} fill="#000" />
    </svg>
  );
}
