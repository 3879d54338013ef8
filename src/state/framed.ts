/**
 * The framing every snapshot of ours uses: u32 (big-endian) header length | header JSON (UTF-8) |
 * body bytes. Monitor snapshots, label windows and label-monitor checkpoints share it.
 */

export function encodeFramed(header: unknown, body: Uint8Array): Uint8Array {
  const h = Buffer.from(JSON.stringify(header), 'utf8');
  const out = Buffer.alloc(4 + h.length + body.length);
  out.writeUInt32BE(h.length, 0);
  h.copy(out, 4);
  out.set(body, 4 + h.length);
  return out;
}

/** The header (parsed JSON, unchecked) and the body; `fail` is called with why the bytes are not framed. */
export function decodeFramed<H>(bytes: Uint8Array, fail: (why: string) => never): { header: H; body: Uint8Array } {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 4) fail('too short');
  const len = b.readUInt32BE(0);
  if (4 + len > b.length) fail('truncated header');
  let header: H;
  try {
    header = JSON.parse(b.toString('utf8', 4, 4 + len)) as H;
  } catch {
    return fail('header is not JSON');
  }
  return { header, body: new Uint8Array(b.buffer, b.byteOffset + 4 + len, b.length - 4 - len) };
}
