import { describe, expect, it } from 'vitest';
import { describeLabelProducerContract } from './label-producer.contract.js';
import { InMemoryLabelProducer } from './label-producer.js';

describeLabelProducerContract('InMemoryLabelProducer', () => {
  const producer = new InMemoryLabelProducer();
  return { producer, read: async () => producer.messages };
});

describe('InMemoryLabelProducer', () => {
  it('failNext rejects that many sends and stores nothing from them', async () => {
    const p = new InMemoryLabelProducer();
    p.failNext = 1;
    await expect(p.send([{ key: 'a', value: '1' }])).rejects.toThrow(/unavailable/);
    await p.send([{ key: 'b', value: '2' }]);
    expect(p.messages).toEqual([{ key: 'b', value: '2' }]);
  });
});
