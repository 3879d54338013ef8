/**
 * Where accepted ground-truth records go: the ground-truth topic. send() resolves only once every
 * message is durably acknowledged (Kafka: acks from all in-sync replicas) and rejects otherwise;
 * the HTTP ingestion endpoint answers 202 only after it resolved. Messages of one send() keep
 * their order. label-producer.contract.ts runs the same suite against every implementation.
 */
export interface LabelMessage {
  /** The event (inference) ID: the join key, and the partitioning key on Kafka. */
  key: string;
  /** The SageMaker ground-truth record JSON (toSageMakerGroundTruth). */
  value: string;
}

export interface LabelProducer {
  send(messages: readonly LabelMessage[]): Promise<void>;
  close(): Promise<void>;
}

/** An in-memory topic, for tests and for running the endpoint without Kafka. */
export class InMemoryLabelProducer implements LabelProducer {
  readonly messages: LabelMessage[] = [];
  /** Sends to fail (each rejects with a retryable error) before the next one succeeds. */
  failNext = 0;
  /** Called before each send is acknowledged (tests hold acknowledgements back with it). */
  beforeAck: (() => Promise<void>) | undefined;
  private closed = false;

  async send(messages: readonly LabelMessage[]): Promise<void> {
    if (this.closed) throw new Error('label producer is closed');
    const copy = messages.map((m) => ({ key: m.key, value: m.value }));
    if (this.beforeAck) await this.beforeAck();
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('in-memory broker unavailable');
    }
    this.messages.push(...copy);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
