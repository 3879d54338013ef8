/**
 * The ViolationsLog contract on a real broker: KafkaViolationsLog's transactional id fences the
 * previous holder, and its read_committed read-back finds exactly what its monitor committed. The
 * topic is created by the first open (one partition, so the monitors share it).
 */
import { pino } from 'pino';
import { describeViolationsLogContract } from '../src/sink/violations-log.contract.js';
import { createKafka } from '../src/source/kafka-client.js';
import { KafkaViolationsLog } from '../src/source/kafka-violations-log.js';
import { uniqueTopic } from './support/kafka.js';
import { describeWithServices } from './support/services.js';

describeWithServices(['kafka'], 'KafkaViolationsLog (real broker)', ({ kafka }) => {
  describeViolationsLogContract('Kafka', async () => {
    const logger = pino({ level: 'silent' });
    const client = createKafka({ brokers: kafka.brokers, clientId: 'violations-log-test', ssl: false }, logger);
    const topic = uniqueTopic('violations-log');
    const logs: KafkaViolationsLog[] = [];
    return {
      log: (monitor, transactionalId) => {
        const log = new KafkaViolationsLog({ kafka: client, topic, monitor, transactionalId: `${topic}.${transactionalId}`, lookbackMs: 3_600_000, logger });
        logs.push(log);
        return log;
      },
      close: async () => {
        await Promise.all(logs.map((l) => l.close()));
      },
    };
  });
});
