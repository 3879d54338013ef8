/**
 * Committed offsets read with require_stable (KIP-447) through kafkajs 2.2.4, which implements
 * OffsetFetch only up to version 4, before that flag existed.
 *
 * A scaled-out member takes a partition over by fencing its transactional id and then reading
 * the partition's committed offset (kafka-transactions.ts), and its consumer reads it again to
 * start fetching. The previous holder's last transaction may have ended just before the fence;
 * Kafka added require_stable for this read (KIP-447): without it, the group coordinator answers
 * with what it has applied, which can be the offset before a transaction's; with it, the broker
 * answers UNSTABLE_OFFSET_COMMIT (retriable) while any transactional offset of the partition is
 * pending. A successor starting from the older offset would process again records whose effects it
 * restored already (from the changelog, or sent as partials): a double count. The broker test
 * (test/kafka-transactions.test.ts) shows the difference: a read during an open transaction returns
 * the old offset through kafkajs's version 4 and is refused through version 7.
 *
 * OffsetFetch version 7 (Kafka 2.5 and later) adds the flag; it is a flexible version: compact
 * strings and arrays, tagged fields, and a request header with tagged fields — written here as the
 * body's first byte, the way kafkajs writes its own flexible requests. Its definition is added to
 * kafkajs's OffsetFetch module object, so every OffsetFetch kafkajs sends (its consumers' start
 * positions and admin.fetchOffsets) picks it when the broker supports it, whatever the load
 * order. A broker older than 2.5 gets kafkajs's version 4, without the guarantee.
 */
import { createRequire } from 'node:module';
import { DriftmonError, ErrorCode } from '../errors.js';

const require = createRequire(import.meta.url);
const OFFSET_FETCH = 'kafkajs/src/protocol/requests/offsetFetch/index.js';
const ENCODER = 'kafkajs/src/protocol/encoder.js';
const DECODER = 'kafkajs/src/protocol/decoder.js';
const PARSE_V2 = 'kafkajs/src/protocol/requests/offsetFetch/v2/response.js';
/** The API key of OffsetFetch, and the first version with require_stable. */
const API_KEY = 9;
const STABLE_VERSION = 7;
const LAST_KAFKAJS_VERSION = 4;
const INSTALLED = Symbol.for('driftmon.stableOffsetFetch');

/** The parts of kafkajs's protocol encoder used here. */
interface Encoder {
  writeInt32(v: number): Encoder;
  writeBoolean(v: boolean): Encoder;
  writeUVarIntString(v: string): Encoder;
  writeUVarIntArray(v: Encoder[]): Encoder;
  writeUVarIntBytes(v?: Buffer): Encoder;
}
interface Decoder {
  readInt16(): number;
  readInt32(): number;
  readInt64(): { toString(): string };
  readUVarIntString(): string | null;
  readUVarIntArray<T>(reader: (d: Decoder) => T): T[] | null;
  readTaggedFields(): unknown;
}

interface OffsetFetchArgs {
  groupId: string;
  topics: ReadonlyArray<{ topic: string; partitions: ReadonlyArray<{ partition: number }> }>;
}
interface PartitionOffset {
  partition: number;
  offset: string;
  metadata: string | null;
  errorCode: number;
}
export interface OffsetFetchResponse {
  throttleTime: number;
  responses: Array<{ topic: string; partitions: PartitionOffset[] }>;
  errorCode: number;
}
interface ProtocolDefinition {
  request: { apiKey: number; apiVersion: number; apiName: string; encode: () => Promise<unknown> };
  response: { decode: (raw: Buffer) => Promise<OffsetFetchResponse>; parse: (data: OffsetFetchResponse) => Promise<OffsetFetchResponse> };
}
interface OffsetFetchModule {
  versions: string[];
  protocol: (o: { version: number }) => (args: OffsetFetchArgs) => ProtocolDefinition;
  [INSTALLED]?: true;
}

/** The bytes of an OffsetFetch v7 request body with require_stable, after the header's fields. */
export function encodeStableOffsetFetch({ groupId, topics }: OffsetFetchArgs): Encoder {
  const E = require(ENCODER) as new () => Encoder;
  const topicEntries = (topics ?? []).map((t) =>
    new E()
      .writeUVarIntString(t.topic)
      .writeUVarIntArray(t.partitions.map((p) => new E().writeInt32(p.partition)))
      .writeUVarIntBytes(),
  );
  return new E()
    .writeUVarIntBytes() // the request header's tagged fields (header version 2)
    .writeUVarIntString(groupId)
    .writeUVarIntArray(topicEntries)
    .writeBoolean(true) // require_stable
    .writeUVarIntBytes();
}

/** An OffsetFetch v7 response body, after the correlation id, in kafkajs's version 1–4 shape. */
export function decodeStableOffsetFetch(raw: Buffer): OffsetFetchResponse {
  const D = require(DECODER) as new (b: Buffer) => Decoder;
  const d = new D(raw);
  d.readTaggedFields(); // the response header's (header version 1)
  const throttleTime = d.readInt32();
  const responses =
    d.readUVarIntArray((t) => {
      const topic = t.readUVarIntString() ?? '';
      const partitions =
        t.readUVarIntArray((p) => {
          const partition = p.readInt32();
          const offset = p.readInt64().toString();
          p.readInt32(); // committed_leader_epoch
          const metadata = p.readUVarIntString();
          const errorCode = p.readInt16();
          p.readTaggedFields();
          return { partition, offset, metadata, errorCode };
        }) ?? [];
      t.readTaggedFields();
      return { topic, partitions };
    }) ?? [];
  const errorCode = d.readInt16();
  d.readTaggedFields();
  return { throttleTime, responses, errorCode };
}

function stableOffsetFetch(args: OffsetFetchArgs): ProtocolDefinition {
  // kafkajs's own check of the error codes: UNSTABLE_OFFSET_COMMIT (88) is a retriable error there
  const { parse } = require(PARSE_V2) as { parse: ProtocolDefinition['response']['parse'] };
  return {
    request: { apiKey: API_KEY, apiVersion: STABLE_VERSION, apiName: 'OffsetFetch', encode: () => Promise.resolve(encodeStableOffsetFetch(args)) },
    response: { decode: (raw) => Promise.resolve(decodeStableOffsetFetch(raw)), parse },
  };
}

function install(): void {
  const m = require(OFFSET_FETCH) as OffsetFetchModule;
  if (m[INSTALLED] === true) return;
  const kafkajsProtocol = m.protocol;
  m.versions = [...m.versions, String(STABLE_VERSION)];
  // a broker whose newest version lies between kafkajs's and 7 gets kafkajs's newest
  m.protocol = ({ version }) => (version >= STABLE_VERSION ? stableOffsetFetch : kafkajsProtocol({ version: Math.min(version, LAST_KAFKAJS_VERSION) }));
  m[INSTALLED] = true;
}

install();

/** Throws INTERNAL unless kafkajs's OffsetFetch offers version 7 with require_stable (kafkajs's layout changed). */
export function assertStableOffsets(): void {
  const m = require(OFFSET_FETCH) as OffsetFetchModule;
  const definition = m.versions.includes(String(STABLE_VERSION)) ? m.protocol({ version: STABLE_VERSION }) : undefined;
  if (m[INSTALLED] !== true || definition !== stableOffsetFetch) {
    throw new DriftmonError(ErrorCode.INTERNAL, `kafkajs's OffsetFetch lacks version ${STABLE_VERSION} (require_stable): is kafkajs 2.2.4 installed? See src/source/kafkajs-stable-offsets.ts`);
  }
}
