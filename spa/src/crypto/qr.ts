import QRCode from 'qrcode';

export interface QrMatrix {
  size: number;
  /** Row-major, 1 = dark module. */
  modules: Uint8Array;
}

/** The QR code for `text`, computed locally (nothing is sent to a QR service). */
export function qrMatrix(text: string): QrMatrix {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  return { size: qr.modules.size, modules: Uint8Array.from(qr.modules.data) };
}

/** An SVG path for the dark modules (one `M x y h1 v1 h-1 z` per module, merged per row run). */
export function qrPath(m: QrMatrix, margin = 4): string {
  const parts: string[] = [];
  for (let y = 0; y < m.size; y++) {
    let x = 0;
    while (x < m.size) {
      if (m.modules[y * m.size + x]) {
        let run = 1;
        while (x + run < m.size && m.modules[y * m.size + x + run]) run++;
        parts.push(`M${x + margin} ${y + margin}h${run}v1h-${run}z`);
        x += run;
      } else {
        x++;
      }
    }
  }
  return parts.join('');
}
