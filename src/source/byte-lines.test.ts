import { describe, expect, it } from 'vitest';
import { ByteLineSplitter, PREFIX_BYTES, type ByteLine } from './byte-lines.js';

/** Feed `bytes` in chunks of `size`, then end. */
function split(bytes: Buffer, size: number, maxBytes = 1 << 20): ByteLine[] {
  const s = new ByteLineSplitter(maxBytes);
  const out: ByteLine[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(...s.push(bytes.subarray(i, i + size)));
  out.push(...s.end());
  return out;
}

describe('ByteLineSplitter', () => {
  it('splits LF and CRLF lines, keeps multi-byte characters cut between chunks, returns the unterminated tail', () => {
    const text = 'é1\r\n€2\n😀3\n\ntail';
    for (const size of [1, 2, 3, 5, 1000]) expect(split(Buffer.from(text), size)).toEqual(['é1', '€2', '😀3', '', 'tail']);
  });

  it('splits ASCII LF and CRLF lines (decoded line by line) the same way, blank and CR-only lines included', () => {
    const text = 'a1\r\nb2\n\r\n\nc3\rx\ntail';
    for (const size of [1, 2, 3, 5, 1000]) expect(split(Buffer.from(text), size)).toEqual(['a1', 'b2', '', '', 'c3\rx', 'tail']);
  });

  it('drops a UTF-8 BOM at the start only, whatever the chunking', () => {
    const text = '\uFEFF{"a":1}\n\uFEFFx\n';
    for (const size of [1, 2, 4, 1000]) expect(split(Buffer.from(text), size)).toEqual(['{"a":1}', '\uFEFFx']);
    expect(split(Buffer.from('\uFEFF'), 1)).toEqual([]);
    expect(split(Buffer.from('a\n'), 1000)).toEqual(['a']);
  });

  it('rejects a line that is not valid UTF-8 as invalid_utf8 and keeps the lines around it', () => {
    const bytes = Buffer.concat([Buffer.from('ok1\n{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\nok2\n')]);
    for (const size of [1, 3, 1000]) {
      expect(split(bytes, size)).toEqual(['ok1', { reason: 'invalid_utf8', text: '{"a":"\uFFFD\uFFFD"}', bytes: 10 }, 'ok2']);
    }
  });

  it('holds at most maxBytes of a line: a longer one comes out as line_too_long with its first KiB and true length', () => {
    const long = 'x'.repeat(5000);
    for (const size of [7, 100, 100_000]) {
      const out = split(Buffer.from(`a\n${long}\r\nb\n${long}`), size, 2000);
      expect(out).toEqual([
        'a',
        { reason: 'line_too_long', text: 'x'.repeat(PREFIX_BYTES), bytes: 5001 },
        'b',
        { reason: 'line_too_long', text: 'x'.repeat(PREFIX_BYTES), bytes: 5000 },
      ]);
    }
  });
});
