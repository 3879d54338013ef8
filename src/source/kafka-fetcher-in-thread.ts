/** The Kafka fetcher in the calling thread (kafka-fetcher.ts): the consumer runs beside the pipeline. */
import type { Consumer, Kafka } from 'kafkajs';
import { consumerConfig, runConsumer, Throttle, type FetchHandlers, type FetchOptions, type KafkaFetcher } from './kafka-fetcher.js';

export class InThreadFetcher implements KafkaFetcher {
  private readonly consumer: Consumer;
  private readonly throttle: Throttle;
  private halted = false;

  constructor(
    kafka: Kafka,
    private readonly options: FetchOptions,
    clock?: () => number,
  ) {
    this.consumer = kafka.consumer(consumerConfig(options));
    this.throttle = new Throttle(options.maxMessagesPerSecond, clock);
  }

  connect(): Promise<void> {
    return this.consumer.connect();
  }

  run(handlers: FetchHandlers): Promise<void> {
    return runConsumer(this.consumer, this.options, this.throttle, () => this.halted, handlers);
  }

  pause(topics: readonly string[]): void {
    this.consumer.pause(topics.map((topic) => ({ topic })));
    this.halted = true;
  }

  commitOffsets(offsets: ReadonlyArray<{ topic: string; partition: number; offset: string }>): Promise<void> {
    return this.consumer.commitOffsets(offsets.map((o) => ({ ...o })));
  }

  disconnect(): Promise<void> {
    return this.consumer.disconnect();
  }
}
