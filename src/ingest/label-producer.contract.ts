/** The LabelProducer contract, run against every implementation (in-memory; Kafka on a real broker). */
import { describe, expect, it } from 'vitest';
import type { LabelMessage, LabelProducer } from './label-producer.js';

export interface LabelProducerHarness {
  producer: LabelProducer;
  /** Every message on the topic, in order. */
  read: (expected: number) => Promise<LabelMessage[]>;
}

export function describeLabelProducerContract(name: string, make: () => LabelProducerHarness | Promise<LabelProducerHarness>): void {
  describe(`LabelProducer contract: ${name}`, () => {
    it('send() resolves after every message is stored, in order, keys and values byte-exact', async () => {
      const h = await make();
      const batch1: LabelMessage[] = Array.from({ length: 50 }, (_v, i) => ({ key: `id-${i}`, value: JSON.stringify({ i, label: 'é😀' }) }));
      const batch2: LabelMessage[] = [{ key: 'id-x', value: '{"last":true}' }];
      await h.producer.send(batch1);
      await h.producer.send(batch2);
      await h.producer.send([]);
      expect(await h.read(51)).toEqual([...batch1, ...batch2]);
      await h.producer.close();
    });

    it('the caller may reuse its message objects once send() resolved', async () => {
      const h = await make();
      const m = { key: 'k', value: 'v1' };
      await h.producer.send([m]);
      m.value = 'changed';
      expect(await h.read(1)).toEqual([{ key: 'k', value: 'v1' }]);
      await h.producer.close();
    });
  });
}
