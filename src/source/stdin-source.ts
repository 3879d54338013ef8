/** Records from standard input (or any readable stream), one per line, until it ends. */
import type { Readable } from 'node:stream';
import { LineBatcher } from './line-batcher.js';
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
    const batcher = new LineBatcher(this.description, this.batchSize);
    let lineNo = 0;
    this.input.setEncoding('utf8');
    for await (const chunk of this.input as AsyncIterable<string>) {
      for (const line of splitter.push(chunk)) {
        const batch = batcher.add(line, ++lineNo);
        if (batch !== undefined) yield batch;
      }
      if (this.closed) break;
    }
    const tail = splitter.end();
    if (tail !== undefined) {
      const batch = batcher.add(tail, ++lineNo);
      if (batch !== undefined) yield batch;
    }
    const last = batcher.flush();
    if (last !== undefined) yield last;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.input.destroy();
  }
}
