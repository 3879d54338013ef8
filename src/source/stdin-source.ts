/** Records from standard input (or any readable stream), one per line, until it ends. */
import type { Readable } from 'node:stream';
import { LineSplitter } from './line-splitter.js';
import type { RawBatch, Source } from './source.js';

export class StreamSource implements Source {
  private closed = false;

  constructor(
    private readonly input: Readable,
    readonly description = 'stdin',
    private readonly batchSize = 4096,
  ) {}

  async *batches(): AsyncIterable<RawBatch> {
    const splitter = new LineSplitter();
    let lineNo = 0;
    let pending: string[] = [];
    let lineNos: number[] = [];
    const name = this.description;
    const flush = (): RawBatch => {
      const records = pending;
      const lines = lineNos;
      pending = [];
      lineNos = [];
      return { records, origin: (i) => `${name}:${lines[i] ?? '?'}` };
    };
    this.input.setEncoding('utf8');
    for await (const chunk of this.input as AsyncIterable<string>) {
      for (const line of splitter.push(chunk)) {
        lineNo++;
        if (line.length === 0) continue;
        pending.push(line);
        lineNos.push(lineNo);
        if (pending.length >= this.batchSize) yield flush();
      }
      if (this.closed) break;
    }
    const tail = splitter.end();
    if (tail !== undefined) {
      pending.push(tail);
      lineNos.push(++lineNo);
    }
    if (pending.length > 0) yield flush();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.input.destroy();
  }
}
