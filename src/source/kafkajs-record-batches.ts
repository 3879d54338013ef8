/**
 * A faster decoder of fetched record batches for kafkajs 2.2.4, giving exactly what its own gives.
 *
 * Why: consuming 2M 517-byte capture records, kafkajs's decoding took ~1.65 s of 9.1 s busy plus
 * much of the GC (issue 13 (d)). Per record it parses the batch's first offset and timestamp from
 * decimal strings into BigInt-backed Longs, makes a Decoder and sliced Buffer, builds the headers
 * with reduce and object spread, and each batch's records are appended with push(...spread).
 * Here the batch header is read once; offsets and timestamps are added as Numbers while they stay
 * below 2^53 (BigInt beyond); varints are read straight from the batch's buffer; a record without
 * headers gets a fresh `{}`; records are appended one by one. bench/kafka-records.bench.ts
 * measures the difference.
 *
 * What it must stay equal to (src/source/kafkajs-record-batches.test.ts compares the two on
 * seeded and hand-built batches): kafkajs 2.2.4's requests/fetch/v4/decodeMessages.js with the
 * recordBatch/v0 and record/v0 decoders under it — the same record objects (offset and timestamp
 * as decimal strings, LOG_APPEND_TIME taking the batch's max timestamp, key and value as views of
 * the fetched buffer or null, headers with a repeated key's values in an array, one shared
 * batchContext per batch), compressed batches through kafkajs's registered codecs, a partial last
 * batch ending the list, the legacy message set left to kafkajs. Anything out of the ordinary — a
 * batch too short or cut off, a record whose lengths do not fit it, a varlong past 7 bytes — is
 * handed to kafkajs's own code from the same position, so its result (or error) is kafkajs's.
 *
 * kafkajs's fetch responses read this module when first used, so ours is put in Node's module cache
 * first (kafka-client.ts imports this file before kafkajs). `assertRecordBatches` refuses to go on
 * when kafkajs loaded its own before this file was loaded, or its version or layout is not the one
 * this was written for.
 */
import { createRequire, Module } from 'node:module';
import { DriftmonError, ErrorCode } from '../errors.js';

const require = createRequire(import.meta.url);
const KAFKAJS_VERSION = '2.2.4';
const DECODE_MESSAGES = 'kafkajs/src/protocol/requests/fetch/v4/decodeMessages.js';
/** kafkajs's fetch responses that read their records through DECODE_MESSAGES (v6, v9, v10 reuse them). */
const FETCH_RESPONSES = [4, 5, 7, 8, 11].map((v) => `kafkajs/src/protocol/requests/fetch/v${v}/response.js`);

/** The parts of kafkajs's protocol Decoder used here. */
interface KafkajsDecoder {
  buffer: Buffer;
  offset: number;
  readInt32(): number;
  canReadBytes(n: number): boolean;
  readBytes(n: number): Buffer;
  readVarIntBytes(): Buffer | null;
}

export interface BatchContext {
  readonly firstOffset: string;
  readonly firstTimestamp: string;
  readonly partitionLeaderEpoch: number;
  readonly inTransaction: boolean;
  readonly isControlBatch: boolean;
  readonly lastOffsetDelta: number;
  readonly producerId: string;
  readonly producerEpoch: number;
  readonly firstSequence: number;
  readonly maxTimestamp: string;
  readonly timestampType: number;
  readonly magicByte: number;
}

/** A record as kafkajs's fetch gives it. */
export interface FetchedRecord {
  magicByte: number;
  attributes: number;
  timestamp: string;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, unknown>;
  isControlRecord: boolean;
  batchContext: BatchContext;
}

interface Codec {
  decompress(b: Buffer): Promise<Buffer>;
}

/** kafkajs's own pieces: the fallback for anything unusual, its codecs, and the legacy message set. */
interface Kafkajs {
  Decoder: new (buffer: Buffer) => KafkajsDecoder;
  decodeRecordBatch(d: KafkajsDecoder): Promise<{ records: FetchedRecord[] }>;
  decodeRecord(d: KafkajsDecoder, context: BatchContext): FetchedRecord;
  decodeMessageSet(d: KafkajsDecoder, size: number): Promise<unknown[]>;
  lookupCodecByAttributes(attributes: number): Codec | null;
}

let kafkajs: Kafkajs | undefined;

// The fetch's layout (kafkajs's fetch/v4/decodeMessages.js and recordBatch/v0): the magic byte of
// the first entry tells record batches (2) from the legacy message set; a batch is firstOffset
// int64, length int32, then BATCH_HEADER bytes of header, a record count int32 and the records.
const MAGIC_OFFSET = 16;
const RECORD_BATCH_MAGIC = 2;
/** kafkajs decodes another batch while this many bytes are left. */
const RECORD_BATCH_OVERHEAD = 49;
const BATCH_PREFIX = 12;
const BATCH_HEADER = 45;
const TIMESTAMP_TYPE_FLAG = 0x08;
const TRANSACTIONAL_FLAG = 0x10;
const CONTROL_FLAG = 0x20;
const CREATE_TIME = 0;
const LOG_APPEND_TIME = 1;
const PARTIAL = 'KafkaJSPartialMessageError';

/** Read position in the buffer being decoded (the varint readers advance it). */
let at = 0;

/** A zig-zag varint with kafkajs's readVarInt arithmetic, so any byte sequence gives its value; past the buffer's end reads as 0, as there. */
function varInt(buf: Buffer): number {
  let b: number;
  let acc = 0;
  let shift = 0;
  do {
    b = buf[at++] as number;
    acc += (b & 0x7f) << shift;
    shift += 7;
  } while (b >= 0x80);
  return (acc >>> 1) ^ -(acc & 1);
}

/** A zig-zag varlong of at most 7 bytes (|value| < 2^48, exact as a Number); NaN when longer (the caller hands the record to kafkajs). */
function varLong(buf: Buffer): number {
  let v = 0;
  let scale = 1;
  for (let n = 0; n < 7; n++) {
    const b = buf[at++] as number;
    v += (b & 0x7f) * scale;
    if (!(b >= 0x80)) return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
    scale *= 0x80;
  }
  return NaN;
}

/** `n` as a Number when exact; NaN otherwise (sums with it then go through BigInt). */
function exactNumber(n: bigint): number {
  const v = Number(n);
  return Number.isSafeInteger(v) ? v : NaN;
}

/** `base + delta` as a decimal string: Number arithmetic while exact, BigInt beyond. */
function addToString(base: number, baseBig: bigint, delta: number): string {
  const sum = base + delta;
  return Number.isSafeInteger(sum) ? String(sum) : String(baseBig + BigInt(delta));
}

/**
 * A record's headers (count > 0) as kafkajs builds them: an own property per key (a null key is
 * "null"), the second value of a key making an array; the previous value is looked up through the
 * prototype as there. Undefined when a length does not fit the record (kafkajs's code decides).
 */
function readHeaders(buf: Buffer, count: number, end: number): Record<string, unknown> | undefined {
  const headers: Record<string, unknown> = {};
  for (let h = 0; h < count; h++) {
    if (at >= end) return undefined;
    const keyLength = varInt(buf);
    if (keyLength < -1) return undefined;
    const name = keyLength === -1 ? 'null' : buf.toString('utf8', at, (at += keyLength));
    const valueLength = varInt(buf);
    if (valueLength < -1) return undefined;
    const value = valueLength === -1 ? null : buf.subarray(at, (at += valueLength));
    const prev = headers[name];
    const next = prev === undefined ? value : Array.isArray(prev) ? prev.concat([value]) : [prev, value];
    Object.defineProperty(headers, name, { value: next, writable: true, enumerable: true, configurable: true });
  }
  return headers;
}

/** A batch's first offset and timestamp, parsed once: as Numbers for the sums, as BigInts beyond 2^53. */
interface BatchBase {
  readonly offset: number;
  readonly offsetBig: bigint;
  readonly timestamp: number;
  readonly timestampBig: bigint;
}

/**
 * The record at `at` of `buf` (the batch's or decompressed buffer), or undefined when anything in
 * it is out of the ordinary: a length that does not fit the record, a varlong past 7 bytes.
 */
function fastRecord(buf: Buffer, ctx: BatchContext, base: BatchBase, logAppendTime: boolean): FetchedRecord | undefined {
  const length = varInt(buf);
  const end = at + length;
  if (length <= 0 || end > buf.length) return undefined;
  const attributes = ((buf[at++] as number) << 24) >> 24;
  const timestampDelta = varLong(buf);
  if (Number.isNaN(timestampDelta)) return undefined;
  const offsetDelta = varInt(buf);
  const keyLength = varInt(buf);
  if (keyLength < -1) return undefined;
  const key = keyLength === -1 ? null : buf.subarray(at, (at += keyLength));
  const valueLength = varInt(buf);
  if (valueLength < -1) return undefined;
  const value = valueLength === -1 ? null : buf.subarray(at, (at += valueLength));
  const headerCount = varInt(buf);
  const headers = headerCount === 0 || headerCount === -1 ? {} : headerCount > 0 ? readHeaders(buf, headerCount, end) : undefined;
  if (headers === undefined || at > end) return undefined;
  at = end;
  return {
    magicByte: ctx.magicByte,
    attributes,
    timestamp: logAppendTime ? ctx.maxTimestamp : timestampOf(base, timestampDelta),
    offset: addToString(base.offset, base.offsetBig, offsetDelta),
    key,
    value,
    headers,
    isControlRecord: ctx.isControlBatch,
    batchContext: ctx,
  };
}

/** The last timestamp delta's string: the records of a batch often share one. */
let lastDelta = NaN;
let lastTimestamp = '';

function timestampOf(base: BatchBase, delta: number): string {
  if (delta !== lastDelta) {
    lastTimestamp = addToString(base.timestamp, base.timestampBig, delta);
    lastDelta = delta;
  }
  return lastTimestamp;
}

/** Decodes `count` records of one batch from `buf` at `pos` onto `out`. */
function decodeRecords(k: Kafkajs, buf: Buffer, pos: number, count: number, ctx: BatchContext, base: BatchBase, out: FetchedRecord[]): void {
  const logAppendTime = ctx.timestampType === LOG_APPEND_TIME && ctx.maxTimestamp !== '';
  // a codec may give a Uint8Array: kafkajs's Decoder decides what becomes of it
  const plain = Buffer.isBuffer(buf);
  lastDelta = NaN;
  for (let i = 0; i < count; i++) {
    at = pos;
    const record = plain ? fastRecord(buf, ctx, base, logAppendTime) : undefined;
    if (record !== undefined) {
      out.push(record);
      pos = at;
    } else {
      // kafkajs's own decodeRecord from the same position: its result, or its error
      const d = new k.Decoder(buf);
      d.offset = pos;
      out.push(k.decodeRecord(new k.Decoder(d.readVarIntBytes() as Buffer), ctx));
      pos = d.offset;
    }
  }
}

/** kafkajs's decodeMessages (fetch v4 to v11): the records of every whole record batch in a partition's messages. */
export async function decodeMessages(decoder: KafkajsDecoder): Promise<unknown[]> {
  const k = kafkajs as Kafkajs;
  const size = decoder.readInt32();
  if (size <= 0 || !decoder.canReadBytes(size)) return [];
  const messages = decoder.readBytes(size);
  if (messages.subarray(MAGIC_OFFSET).readInt8(0) !== RECORD_BATCH_MAGIC) return k.decodeMessageSet(new k.Decoder(messages), size);
  const out: FetchedRecord[] = [];
  let pos = 0;
  while (messages.length - pos >= RECORD_BATCH_OVERHEAD) {
    const length = messages.readInt32BE(pos + 8);
    const end = pos + BATCH_PREFIX + length;
    const b = messages.subarray(pos + BATCH_PREFIX, end);
    const whole = length >= BATCH_HEADER + 4 && end <= messages.length;
    const attributes = whole ? b.readInt16BE(9) : 0;
    const codec = whole ? k.lookupCodecByAttributes(attributes) : null;
    const count = whole ? b.readInt32BE(BATCH_HEADER) : -2;
    if (count < -1 && codec === null) {
      // cut off (the last batch of a fetch may be), too short for a header, or a negative count:
      // kafkajs's own decoder, from the same position, says what becomes of it
      const d = new k.Decoder(messages);
      d.offset = pos;
      let batch: { records: FetchedRecord[] };
      try {
        batch = await k.decodeRecordBatch(d);
      } catch (e) {
        if ((e as Error).name === PARTIAL) break;
        throw e;
      }
      for (const r of batch.records) out.push(r);
      pos = d.offset;
      continue;
    }
    const offsetBig = messages.readBigInt64BE(pos);
    const timestampBig = b.readBigInt64BE(15);
    const base: BatchBase = { offset: exactNumber(offsetBig), offsetBig, timestamp: exactNumber(timestampBig), timestampBig };
    const ctx: BatchContext = {
      firstOffset: offsetBig.toString(),
      firstTimestamp: timestampBig.toString(),
      partitionLeaderEpoch: b.readInt32BE(0),
      inTransaction: (attributes & TRANSACTIONAL_FLAG) > 0,
      isControlBatch: (attributes & CONTROL_FLAG) > 0,
      lastOffsetDelta: b.readInt32BE(11),
      producerId: b.readBigInt64BE(31).toString(),
      producerEpoch: b.readInt16BE(39),
      firstSequence: b.readInt32BE(41),
      maxTimestamp: b.readBigInt64BE(23).toString(),
      timestampType: (attributes & TIMESTAMP_TYPE_FLAG) > 0 ? LOG_APPEND_TIME : CREATE_TIME,
      magicByte: b.readInt8(4),
    };
    pos = end;
    if (codec === null) decodeRecords(k, b, BATCH_HEADER + 4, count, ctx, base, out);
    else if (count > 0) decodeRecords(k, await codec.decompress(b.subarray(BATCH_HEADER + 4)), 0, count, ctx, base, out);
  }
  return out;
}

/**
 * kafkajs's own decodeMessages, loaded from its file past the module-cache entry that makes ours
 * kafkajs's: what ours is compared with (its test, bench/kafka-records.bench.ts).
 */
export function kafkajsOwnDecodeMessages(): typeof decodeMessages {
  const path = require.resolve(DECODE_MESSAGES);
  const ours = require.cache[path];
  delete require.cache[path];
  try {
    return require(path) as typeof decodeMessages;
  } finally {
    require.cache[path] = ours;
  }
}

let installProblem: string | undefined;
let installed: Module | undefined;

function install(): void {
  try {
    const version = (require('kafkajs/package.json') as { version: string }).version;
    if (version !== KAFKAJS_VERSION) throw new Error(`kafkajs ${version} is installed, this decoder reproduces ${KAFKAJS_VERSION}`);
    const path = require.resolve(DECODE_MESSAGES);
    if (require.cache[path] !== undefined) return; // kafkajs loaded it already (assertRecordBatches says whether it is ours)
    const compression = require('kafkajs/src/protocol/message/compression/index.js') as { lookupCodecByAttributes: Kafkajs['lookupCodecByAttributes'] };
    const decodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/decoder.js') as Kafkajs['decodeRecord'];
    kafkajs = {
      Decoder: require('kafkajs/src/protocol/decoder.js') as Kafkajs['Decoder'],
      decodeRecordBatch: require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as Kafkajs['decodeRecordBatch'],
      decodeRecord,
      decodeMessageSet: require('kafkajs/src/protocol/messageSet/decoder.js') as Kafkajs['decodeMessageSet'],
      lookupCodecByAttributes: (attributes) => compression.lookupCodecByAttributes(attributes),
    };
    const m = new Module(path);
    m.filename = path;
    m.loaded = true;
    m.exports = decodeMessages;
    require.cache[path] = m;
    installed = m;
  } catch (e) {
    installProblem = (e as Error).message;
  }
}

install();

let checked = false;

/**
 * Throws INTERNAL unless every kafkajs fetch response decodes its records with `decodeMessages`
 * above: kafkajs 2.2.4, its fetch/v4/decodeMessages.js is ours in the module cache, and the
 * response modules of fetch v4 to v11 took theirs from there.
 */
export function assertRecordBatches(): void {
  if (checked) return;
  const fail = (why: string, cause?: unknown): never => {
    throw new DriftmonError(ErrorCode.INTERNAL, `driftmon's record-batch decoder for kafkajs is not in place: ${why}`, cause === undefined ? undefined : { cause });
  };
  if (installProblem !== undefined) fail(installProblem);
  let responses: (NodeJS.Module | undefined)[];
  try {
    if (require(DECODE_MESSAGES) !== decodeMessages || installed === undefined) {
      fail(`kafkajs loaded its own ${DECODE_MESSAGES} before src/source/kafkajs-record-batches.ts could replace it; import kafkajs only through kafka-client.ts`);
    }
    responses = FETCH_RESPONSES.map((p) => {
      require(p);
      return require.cache[require.resolve(p)];
    });
  } catch (e) {
    if (e instanceof DriftmonError) throw e;
    return fail(`kafkajs's fetch responses cannot be loaded: ${(e as Error).message}`, e);
  }
  const stale = FETCH_RESPONSES.filter((_, i) => !(responses[i]?.children ?? []).includes(installed as NodeJS.Module));
  if (stale.length > 0) fail(`${stale.join(', ')} no longer read their records through ${DECODE_MESSAGES}`);
  checked = true;
}
