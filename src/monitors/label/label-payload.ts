/** A label as the join store keeps it until its prediction comes: u8 tag (1 number f64, 2 UTF-8 text). */
import type { LabelValue } from '../../record/prediction.js';

export function encodeLabel(label: LabelValue): Uint8Array {
  if (typeof label === 'number') {
    const b = Buffer.alloc(9);
    b[0] = 1;
    b.writeDoubleLE(label, 1);
    return b;
  }
  const text = Buffer.from(label, 'utf8');
  const b = Buffer.alloc(1 + text.length);
  b[0] = 2;
  text.copy(b, 1);
  return b;
}

export function decodeLabel(bytes: Uint8Array): LabelValue {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return b[0] === 1 ? b.readDoubleLE(1) : b.toString('utf8', 1);
}
