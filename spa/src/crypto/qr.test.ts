import jsQR from 'jsqr';
import { buildClientConfig } from './config';
import { generateKeyPair } from './keys';
import { qrMatrix, qrPath, type QrMatrix } from './qr';

function rasterize(m: QrMatrix, scale = 4, margin = 4): { data: Uint8ClampedArray; width: number } {
  const width = (m.size + margin * 2) * scale;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  for (let y = 0; y < m.size; y++) {
    for (let x = 0; x < m.size; x++) {
      if (!m.modules[y * m.size + x]) continue;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const i = (((y + margin) * scale + dy) * width + (x + margin) * scale + dx) * 4;
          data[i] = data[i + 1] = data[i + 2] = 0;
        }
      }
    }
  }
  return { data, width };
}

describe('QR code', () => {
  it('decodes back to the exact client config', () => {
    const config = buildClientConfig({
      privateKey: generateKeyPair().privateKey,
      peer: { name: 'alice', addresses: ['10.44.0.2/32'], presharedKey: null, persistentKeepalive: 25 },
      node: { name: 'edge', endpoint: 'vpn.example.com', listenPort: 51820, publicKey: generateKeyPair().publicKey, ipv4Network: '10.44.0.0/24', dns: ['1.1.1.1'] },
      mode: 'full',
    });
    const m = qrMatrix(config);
    const { data, width } = rasterize(m);
    const decoded = jsQR(data, width, width);
    expect(decoded?.data).toBe(config);
  });

  it('draws one path segment per run of dark modules, inside the quiet zone', () => {
    const m = qrMatrix('hello');
    const d = qrPath(m);
    const dark = m.modules.reduce((s, v) => s + v, 0);
    const runs = d.split('M').filter(Boolean);
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.reduce((s, r) => s + Number(/h(\d+)/.exec(r)![1]), 0)).toBe(dark);
    expect(runs.every((r) => Number(r.split(' ')[0]) >= 4)).toBe(true);
  });
});
