/** One contract suite for every finite Source: given some text, it yields exactly its non-blank lines, in order, with origins. */
import { describe, expect, it } from 'vitest';
import type { Source } from './source.js';

export async function drain(source: Source): Promise<{ records: string[]; origins: string[] }> {
  const records: string[] = [];
  const origins: string[] = [];
  for await (const b of source.batches()) {
    b.records.forEach((r, i) => {
      records.push(r);
      origins.push(b.origin(i));
    });
  }
  return { records, origins };
}

export function describeSourceContract(name: string, make: (text: string, batchSize: number) => Promise<Source>): void {
  describe(`Source contract: ${name}`, () => {
    it('yields every non-blank line in order, CRLF or LF, with or without a final newline', async () => {
      const s = await make('{"a":1}\r\n\n{"b":2}\n{"c":3}', 2);
      const { records, origins } = await drain(s);
      expect(records).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
      expect(origins.map((o) => o.split(':').pop())).toEqual(['1', '3', '4']);
    });

    it('keeps multi-byte characters split across chunks intact', async () => {
      const line = `{"s":"${'é€😀'.repeat(20_000)}"}`;
      const s = await make(`${line}\n${line}\n`, 10);
      expect((await drain(s)).records).toEqual([line, line]);
    });

    it('loses no line when the unterminated last line completes a batch', async () => {
      const s = await make('a\nb\nc\nd', 2);
      expect((await drain(s)).records).toEqual(['a', 'b', 'c', 'd']);
    });

    it('yields nothing for empty input', async () => {
      expect((await drain(await make('', 10))).records).toEqual([]);
    });
  });
}
