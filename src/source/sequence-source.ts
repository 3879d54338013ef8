/**
 * Several finite sources read one after the other, each batch tagged with its source's stream
 * name: a label monitor replaying files reads every capture file (predictions), then every
 * ground-truth file (labels), as SageMaker's merge job joins a window's capture with its labels.
 */
import type { RawBatch, Source, UnreadableInput } from './source.js';

export interface SequencePart {
  source: Source;
  stream: string;
}

export class SequenceSource implements Source {
  readonly description: string;
  private closed = false;

  constructor(private readonly parts: readonly SequencePart[]) {
    this.description = parts.map((p) => `${p.stream}: ${p.source.description}`).join('; ');
  }

  async *batches(): AsyncIterable<RawBatch> {
    for (const { source, stream } of this.parts) {
      for await (const batch of source.batches()) {
        if (this.closed) return;
        yield { ...batch, stream };
      }
    }
  }

  unreadable(): readonly UnreadableInput[] {
    return this.parts.flatMap((p) => p.source.unreadable?.() ?? []);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.parts) await p.source.close();
  }
}
