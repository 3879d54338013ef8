import { describe, expect, it } from 'vitest';
import type { GroundTruthRecord } from '../record/ground-truth-decoder.js';
import { IngestFailure, LabelIngestor, type AcceptedIds } from './label-ingestor.js';
import { InMemoryLabelProducer } from './label-producer.js';

class MemoryIds implements AcceptedIds {
  readonly ids = new Set<string>();
  has(id: string): boolean {
    return this.ids.has(id);
  }
  async add(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.ids.add(id);
  }
}

const recs = (...ids: string[]): GroundTruthRecord[] => ids.map((eventId) => ({ eventId, labels: ['1'] }));

/** A producer whose sends wait until released, counting sends. */
function gatedProducer() {
  const producer = new InMemoryLabelProducer();
  let sends = 0;
  let release!: () => void;
  let gate = new Promise<void>((r) => (release = r));
  producer.beforeAck = async () => {
    sends++;
    await gate;
  };
  return {
    producer,
    sends: () => sends,
    open: () => {
      release();
      gate = new Promise<void>((r) => (release = r));
    },
  };
}

describe('LabelIngestor', () => {
  it('group commit: requests queued while a send is in flight share the next send, duplicates across them counted once', async () => {
    const g = gatedProducer();
    const ingestor = new LabelIngestor(g.producer, new MemoryIds());
    const first = ingestor.ingest(recs('a', 'b'));
    while (g.sends() === 0) await new Promise((r) => setImmediate(r));
    const queued = [ingestor.ingest(recs('b', 'c')), ingestor.ingest(recs('c', 'd')), ingestor.ingest(recs('e'))];
    g.open();
    expect(await first).toEqual({ accepted: 2, duplicates: 0 });
    while (g.sends() === 1) await new Promise((r) => setImmediate(r));
    g.open();
    expect(await Promise.all(queued)).toEqual([
      { accepted: 1, duplicates: 1 },
      { accepted: 1, duplicates: 1 },
      { accepted: 1, duplicates: 0 },
    ]);
    expect(g.sends()).toBe(2);
    expect(g.producer.messages.map((m) => m.key)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('a failed send fails every request of its group; retrying them produces each ID once', async () => {
    const producer = new InMemoryLabelProducer();
    const ids = new MemoryIds();
    const ingestor = new LabelIngestor(producer, ids, { maxSendBytes: 1 }); // one message per send
    let n = 0;
    producer.beforeAck = async () => {
      if (++n === 2) producer.failNext = 1; // the second send fails
    };
    const results = await Promise.allSettled([ingestor.ingest(recs('x', 'y')), ingestor.ingest(recs('y', 'z'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const partial = results.map((r) => ((r as PromiseRejectedResult).reason as IngestFailure).partial);
    expect(partial).toEqual([
      { accepted: 1, duplicates: 0 },
      { accepted: 0, duplicates: 1 },
    ]);
    expect(producer.messages.map((m) => m.key)).toEqual(['x']);
    producer.beforeAck = undefined;
    expect(await ingestor.ingest(recs('x', 'y'))).toEqual({ accepted: 1, duplicates: 1 });
    expect(await ingestor.ingest(recs('y', 'z'))).toEqual({ accepted: 1, duplicates: 1 });
    expect(producer.messages.map((m) => m.key)).toEqual(['x', 'y', 'z']);
  });
});
