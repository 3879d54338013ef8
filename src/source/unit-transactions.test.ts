import { MemoryKafka } from '../../test/support/memory-kafka.js';
import { describeUnitTransactionsContract } from './unit-transactions.contract.js';

describeUnitTransactionsContract('MemoryKafka (the stages unit tests stand-in)', () => {
  const kafka = new MemoryKafka();
  kafka.createTopic('input', 2);
  kafka.createTopic('output', 3);
  return Promise.resolve({
    holder: () => kafka.transactions(),
    input: 'input',
    output: 'output',
    read: (topic) =>
      Promise.resolve(
        kafka
          .partitions(topic)
          .flat()
          .map((m) => (m.value === null ? '<null>' : new TextDecoder().decode(m.value)))
          .sort(),
      ),
    committed: (groupId, topic, partition) => Promise.resolve(kafka.committed(groupId, topic, partition)),
    close: () => Promise.resolve(),
  });
});
