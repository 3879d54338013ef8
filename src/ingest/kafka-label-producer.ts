/**
 * LabelProducer on a Kafka topic (kafkajs): key = event ID (so every label of one event lands on
 * one partition), value = the SageMaker ground-truth record. Idempotent producer (the broker drops
 * a batch kafkajs retried after a lost acknowledgement), acks -1 (every in-sync replica), one
 * request in flight (retries cannot reorder). send() resolves when the broker acknowledged every
 * message and rejects (SINK_WRITE_FAILED, retryable) when kafkajs's own retries gave up; the next
 * send() reconnects. Callers keep each send() under the broker's message.max.bytes (the ingestion
 * endpoint sends chunks of at most 512 KiB).
 *
 * Topic creation: never here (partitions and retention are an operator's decision), like the
 * dead-letter sink: create it beforehand, or let the broker auto-create it on first publish.
 */
import type { Kafka, Producer } from 'kafkajs';
import { DriftmonError, ErrorCode } from '../errors.js';
import { defaultPartitioner } from '../source/kafka-client.js';
import type { LabelMessage, LabelProducer } from './label-producer.js';

export class KafkaLabelProducer implements LabelProducer {
  readonly topic: string;
  private readonly producer: Producer;
  private connecting: Promise<void> | undefined;
  private started = false;

  constructor(options: { kafka: Kafka; topic: string }) {
    if (options.topic.length === 0) throw new DriftmonError(ErrorCode.CONFIG_INVALID, 'ground-truth topic name is empty');
    this.topic = options.topic;
    this.producer = options.kafka.producer({ createPartitioner: defaultPartitioner, idempotent: true, maxInFlightRequests: 1, retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 } });
  }

  async send(messages: readonly LabelMessage[]): Promise<void> {
    if (messages.length === 0) return;
    try {
      this.started = true;
      this.connecting ??= this.producer.connect();
      await this.connecting;
      await this.producer.send({ topic: this.topic, acks: -1, messages: messages.map((m) => ({ key: m.key, value: m.value })) });
    } catch (e) {
      this.connecting = undefined;
      throw new DriftmonError(ErrorCode.SINK_WRITE_FAILED, `cannot publish ${messages.length} label(s) to ${this.topic}: ${(e as Error).message}`, { cause: e, retryable: true });
    }
  }

  async close(): Promise<void> {
    if (this.started) await this.producer.disconnect();
    this.started = false;
    this.connecting = undefined;
  }
}
