import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import { rng, type Rng } from '../../test/support/random.js';
import { assertRecordBatches, decodeMessages, kafkajsOwnDecodeMessages } from './kafkajs-record-batches.js';

/**
 * The contract of kafkajs-record-batches.ts: for any fetched partition's messages, its
 * decodeMessages gives what kafkajs 2.2.4's own gives (or throws what it throws). Batches are
 * encoded by kafkajs's own encoders where they can make them, by hand where they cannot (control
 * and LOG_APPEND_TIME batches, header lists kafkajs's encoder cannot write, malformed records).
 */

const require = createRequire(import.meta.url);
const P = 'kafkajs/src/protocol/';

interface KafkajsEncoder {
  buffer: Buffer;
  writeInt8(v: number): KafkajsEncoder;
  writeInt32(v: number): KafkajsEncoder;
  writeVarInt(v: number): KafkajsEncoder;
  writeVarLong(v: number | bigint): KafkajsEncoder;
  writeVarIntBytes(v: Buffer | null): KafkajsEncoder;
  writeVarIntString(v: string | null): KafkajsEncoder;
  writeBuffer(v: Buffer): KafkajsEncoder;
}
type Decode = (decoder: unknown) => Promise<unknown[]>;

const Decoder = require(`${P}decoder.js`) as new (b: Buffer) => unknown;
const Encoder = require(`${P}encoder.js`) as new () => KafkajsEncoder;
const { RecordBatch } = require(`${P}recordBatch/v0/index.js`) as { RecordBatch: (a: Record<string, unknown>) => Promise<KafkajsEncoder> };
const Record = require(`${P}recordBatch/record/v0/index.js`) as (a: Record<string, unknown>) => KafkajsEncoder;
const MessageSet = require(`${P}messageSet/index.js`) as (a: Record<string, unknown>) => KafkajsEncoder;

const kafkajsDecodeMessages = kafkajsOwnDecodeMessages() as Decode;

const GZIP = 1;
const LOG_APPEND_TIME_FLAG = 0x08;
const CONTROL_FLAG = 0x20;
/** Where a batch's attributes (int16) sit: after firstOffset, length, leader epoch, magic, crc. */
const ATTRIBUTES_AT = 21;

type Header = [string | null, Buffer | null];
interface RecordSpec {
  timestampDelta: number | bigint;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Header[];
}
interface BatchSpec {
  firstOffset: bigint;
  firstTimestamp: bigint;
  maxTimestamp: bigint;
  producerId?: bigint;
  transactional?: boolean;
  compression?: number;
  /** Attribute bits set after encoding (kafkajs's encoder cannot write them); its CRC is not checked by kafkajs. */
  flags?: number;
  records: (RecordSpec | Buffer)[];
}

/** A record as kafkajs's Record encoder writes it, when it can (distinct keys; a repeated key's values together; no null key or value). */
function kafkajsRecord(r: RecordSpec): KafkajsEncoder | undefined {
  const headers: Record<string, Buffer | Buffer[]> = Object.create(null) as Record<string, Buffer | Buffer[]>;
  for (const [i, [k, v]] of r.headers.entries()) {
    if (k === null || v === null || (k in headers && r.headers[i - 1]?.[0] !== k)) return undefined;
    const prev = headers[k];
    headers[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return Record({ timestampDelta: r.timestampDelta, offsetDelta: r.offsetDelta, key: r.key, value: r.value, headers: { ...headers } });
}

/** A record written field by field: any header list. */
function rawRecord(r: RecordSpec): Buffer {
  const body = new Encoder().writeInt8(0).writeVarLong(r.timestampDelta).writeVarInt(r.offsetDelta).writeVarIntBytes(r.key).writeVarIntBytes(r.value).writeVarInt(r.headers.length);
  for (const [k, v] of r.headers) body.writeVarIntString(k).writeVarIntBytes(v);
  return new Encoder().writeVarInt(body.buffer.length).writeBuffer(body.buffer).buffer;
}

async function encodeBatch(b: BatchSpec): Promise<Buffer> {
  const records = b.records.map((r) => (Buffer.isBuffer(r) ? new Encoder().writeBuffer(r) : (kafkajsRecord(r) ?? new Encoder().writeBuffer(rawRecord(r)))));
  const batch = (
    await RecordBatch({
      compression: b.compression ?? 0,
      firstOffset: b.firstOffset,
      firstTimestamp: b.firstTimestamp,
      maxTimestamp: b.maxTimestamp,
      lastOffsetDelta: Math.max(0, b.records.length - 1),
      transactional: b.transactional ?? false,
      producerId: b.producerId ?? -1n,
      producerEpoch: 3,
      firstSequence: 7,
      partitionLeaderEpoch: 2,
      records,
    })
  ).buffer;
  if (b.flags !== undefined) batch.writeInt16BE(batch.readInt16BE(ATTRIBUTES_AT) | b.flags, ATTRIBUTES_AT);
  return batch;
}

/** A partition's fetched `messages` field: its size, then the batches (the last one cut to `cut` bytes when given). */
function fetched(batches: Buffer[], cut?: number): Buffer {
  const messages = Buffer.concat(batches);
  const body = cut === undefined ? messages : messages.subarray(0, messages.length - (batches.at(-1) as Buffer).length + cut);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/**
 * Everything observable in a decoded value, as text: own keys in order with their property flags,
 * shared objects (a batch's batchContext) by identity, buffers by contents and by whether they are
 * views of the fetched buffer (and where), values found through a prototype by name. (Stricter
 * than toStrictEqual, which also cannot compare objects with a "constructor" key: kafkajs makes
 * such headers.)
 */
function shape(v: unknown, input: Buffer, seen = new Map<object, number>()): string {
  if (v === Object.prototype) return 'Object.prototype';
  if (typeof v === 'function') return `function ${v.name}`;
  if (typeof v !== 'object' || v === null) return `${typeof v}:${String(v)}`;
  if (Buffer.isBuffer(v)) {
    const where = v.buffer === input.buffer ? `view@${v.byteOffset}` : 'other';
    return `${Object.getPrototypeOf(v) === Buffer.prototype ? 'Buffer' : 'Buffer?'}(${v.length},${createHash('sha1').update(v).digest('hex')},${where})`;
  }
  const id = seen.get(v);
  if (id !== undefined) return `#${id}`;
  seen.set(v, seen.size);
  if (Array.isArray(v)) return `${Object.getPrototypeOf(v) === Array.prototype ? '' : 'proto?'}[${v.map((x) => shape(x, input, seen)).join(',')}]`;
  const proto = Object.getPrototypeOf(v) === Object.prototype ? '' : 'proto?';
  const props = Reflect.ownKeys(v).map((k) => {
    const d = Object.getOwnPropertyDescriptor(v, k) as PropertyDescriptor;
    return `${String(k)}(${d.writable ? 'w' : ''}${d.enumerable ? 'e' : ''}${d.configurable ? 'c' : ''}):${shape(d.value, input, seen)}`;
  });
  return `${proto}{${props.join(',')}}`;
}

type Outcome = { records: unknown[] } | { error: string };

async function outcome(decode: Decode, input: Buffer): Promise<Outcome> {
  try {
    return { records: await decode(new Decoder(input)) };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

/** Decodes `input` with kafkajs's decoder and ours; they must give the same (or fail the same); returns kafkajs's records. */
async function expectSame(input: Buffer, label: string): Promise<unknown[]> {
  const theirs = await outcome(kafkajsDecodeMessages, input);
  const ours = await outcome(decodeMessages as Decode, input);
  if ('error' in theirs) {
    expect(ours, label).toEqual(theirs);
    return [];
  }
  expect('records' in ours ? shape(ours.records, input) : ours, label).toBe(shape(theirs.records, input));
  return theirs.records;
}

function bytes(r: Rng, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = r.int(256);
  return b;
}

/** A capture-like value or key: printable text with now and then a multi-byte character. */
function text(r: Rng, n: number): Buffer {
  let s = '';
  while (s.length < n) s += r.next() < 0.02 ? 'é' : String.fromCharCode(32 + r.int(95));
  return Buffer.from(s);
}

function pick<T>(r: Rng, xs: readonly T[]): T {
  return xs[r.int(xs.length)] as T;
}

const KEYS = ['trace', 'source', 'a', 'b', '1', '__proto__', 'toString', 'constructor', 'null', 'ü'];

function randomRecord(r: Rng, i: number): RecordSpec {
  const key = pick(r, ['null', 'empty', 'uuid', 'bytes'] as const);
  const value = r.next() < 0.03 ? 'large' : pick(r, ['null', 'empty', 'text', 'text', 'text', 'text'] as const);
  const headerCount = pick(r, [0, 0, 0, 1, 2, 3, 5]);
  const headers: Header[] = [];
  for (let h = 0; h < headerCount; h++) {
    const k = r.next() < 0.05 ? null : pick(r, KEYS);
    headers.push([k, r.next() < 0.1 ? null : r.next() < 0.2 ? Buffer.alloc(0) : text(r, r.int(40))]);
  }
  if (headers.length > 1 && r.next() < 0.3) headers[1] = [headers[0]?.[0] ?? 'a', text(r, 5)]; // a repeated key
  return {
    timestampDelta: pick(r, [0, 0, i, r.int(1000), -r.int(1000), r.int(2 ** 30), 2 ** 47 + r.int(1000), 2 ** 50, -(2 ** 52)]),
    offsetDelta: r.next() < 0.9 ? i : r.int(2 ** 31) - 2 ** 30,
    key: key === 'null' ? null : key === 'empty' ? Buffer.alloc(0) : key === 'uuid' ? text(r, 36) : bytes(r, 1 + r.int(20)),
    value: value === 'null' ? null : value === 'empty' ? Buffer.alloc(0) : value === 'large' ? Buffer.concat(Array.from({ length: 100 + r.int(300) }, () => text(r, 500))) : text(r, 1 + r.int(1200)),
    headers,
  };
}

const TWO_53 = 2n ** 53n;
const INT64_MAX = 2n ** 63n - 1n;

function randomBatch(r: Rng): BatchSpec {
  const count = pick(r, [0, 1, 2, 5, 20, 40]);
  const records = Array.from({ length: count }, (_, i) => randomRecord(r, i));
  const firstOffset = pick(r, [0n, BigInt(r.int(1e6)), TWO_53 - BigInt(r.int(50)), TWO_53 + BigInt(r.int(50)), INT64_MAX - BigInt(r.int(20)), -1n]);
  const firstTimestamp = pick(r, [1_764_900_000_000n + BigInt(r.int(1e6)), -1n, 0n, TWO_53 - 10n, -TWO_53 + 5n, INT64_MAX - 5n]);
  return {
    firstOffset,
    firstTimestamp,
    maxTimestamp: firstTimestamp + BigInt(r.int(1000)),
    producerId: r.next() < 0.5 ? -1n : BigInt(r.int(1e9)),
    transactional: r.next() < 0.3,
    compression: r.next() < 0.3 ? GZIP : 0,
    flags: pick(r, [0, 0, 0, LOG_APPEND_TIME_FLAG, CONTROL_FLAG, LOG_APPEND_TIME_FLAG | CONTROL_FLAG]),
    records,
  };
}

function spec(over: Partial<RecordSpec> = {}): RecordSpec {
  return { timestampDelta: 0, offsetDelta: 0, key: Buffer.from('k'), value: Buffer.from('v'), headers: [], ...over };
}

function batchOf(records: (RecordSpec | Buffer)[], over: Partial<BatchSpec> = {}): Promise<Buffer> {
  return encodeBatch({ firstOffset: 100n, firstTimestamp: 1_764_900_000_000n, maxTimestamp: 1_764_900_000_999n, records, ...over });
}

/** Encodes a zig-zag varint of any size (also longer than Kafka allows). */
function varint(n: bigint): Buffer {
  let z = n >= 0n ? n * 2n : -n * 2n - 1n;
  const out: number[] = [];
  do {
    out.push(Number(z & 0x7fn) | (z > 0x7fn ? 0x80 : 0));
    z >>= 7n;
  } while (z > 0n);
  return Buffer.from(out);
}

/** A record from raw parts: its declared length (the real one unless given), then the body. */
function recordBytes(body: Buffer[], length?: number): Buffer {
  const b = Buffer.concat(body);
  return Buffer.concat([varint(BigInt(length ?? b.length)), b]);
}

describe('kafkajs-record-batches: decodeMessages gives what kafkajs 2.2.4 gives', () => {
  it('on 300 seeded fetches of kafkajs-encoded batches (gzip, transactional, control, LOG_APPEND_TIME, offsets and timestamps past 2^53, keys, values and headers of every kind, a cut last batch)', async () => {
    expect(kafkajsDecodeMessages).not.toBe(decodeMessages); // really two decoders
    let records = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const batches = await Promise.all(Array.from({ length: 1 + r.int(6) }, () => encodeBatch(randomBatch(r))));
      const last = batches.at(-1) as Buffer;
      const cut = r.next() < 0.25 ? r.int(last.length) : undefined;
      records += (await expectSame(fetched(batches, cut), `seed ${seed}`)).length;
    }
    expect(records).toBeGreaterThan(10_000); // the fetches really held records
  });

  it('adds past 2^53 and past int64 exactly, with negative deltas and varlongs of every length', async () => {
    const deltas = [0, 1, 2, 3, -1, -7];
    const input = fetched([
      await batchOf(deltas.map((d, i) => spec({ offsetDelta: d, timestampDelta: BigInt(d) * 2n ** BigInt(7 * i) })), { firstOffset: TWO_53 - 2n, firstTimestamp: TWO_53 - 1n }),
      await batchOf([spec({ offsetDelta: 5, timestampDelta: 2n ** 62n }), spec({ offsetDelta: 6, timestampDelta: -(2n ** 63n) })], { firstOffset: INT64_MAX, firstTimestamp: INT64_MAX }),
    ]);
    const records = (await expectSame(input, 'past 2^53')) as { offset: string; timestamp: string }[];
    expect(records.map((x) => x.offset)).toEqual([...deltas.map((d) => String(TWO_53 - 2n + BigInt(d))), String(INT64_MAX + 5n), String(INT64_MAX + 6n)]);
    expect(records.map((x) => x.timestamp)).toEqual([...deltas.map((d, i) => String(TWO_53 - 1n + BigInt(d) * 2n ** BigInt(7 * i))), String(INT64_MAX + 2n ** 62n), String(INT64_MAX - 2n ** 63n)]);
  });

  it('takes the max timestamp under LOG_APPEND_TIME and marks a control batch', async () => {
    const input = fetched([await batchOf([spec({ timestampDelta: 5 }), spec({ offsetDelta: 1 })], { flags: LOG_APPEND_TIME_FLAG | CONTROL_FLAG, transactional: true, producerId: 42n })]);
    const records = (await expectSame(input, 'log append')) as { timestamp: string; isControlRecord: boolean; batchContext: { producerId: string; inTransaction: boolean } }[];
    expect(records.map((x) => [x.timestamp, x.isControlRecord, x.batchContext.producerId, x.batchContext.inTransaction])).toEqual([
      ['1764900000999', true, '42', true],
      ['1764900000999', true, '42', true],
    ]);
  });

  it('builds headers as kafkajs does: repeated keys (also apart) into arrays, null keys and values, keys found on a prototype', async () => {
    const v = (s: string): Buffer => Buffer.from(s);
    const lists: Header[][] = [
      [],
      [['a', v('1')]],
      [['a', v('1')], ['a', v('2')], ['a', null]],
      [['a', v('1')], ['b', v('2')], ['a', v('3')], ['b', null], ['a', v('4')]],
      [[null, v('x')], ['null', v('y')], ['', null]],
      [['__proto__', v('p')], ['toString', v('t')], ['constructor', v('c')], ['__proto__', v('q')], ['2', v('n')], ['1', v('m')]],
    ];
    const input = fetched([await batchOf(lists.map((headers, i) => spec({ offsetDelta: i, headers }))), await batchOf(lists.map((headers, i) => spec({ offsetDelta: i, headers })), { compression: GZIP })]);
    const records = (await expectSame(input, 'headers')) as { headers: Record<string, unknown> }[];
    expect(records[3]?.headers).toEqual({ a: [v('1'), v('3'), v('4')], b: [v('2'), null] });
  });

  it('gives keys and values as views of the fetched buffer, as kafkajs does', async () => {
    const input = fetched([await batchOf([spec({ key: Buffer.from('0123456789abcdef0123456789abcdef0123'), value: Buffer.alloc(517, 7) })])]);
    const [record] = (await expectSame(input, 'views')) as { key: Buffer; value: Buffer }[];
    expect(record?.key.buffer).toBe(input.buffer);
    expect(record?.value.buffer).toBe(input.buffer);
  });

  it('reads every whole batch of a fetch and stops at a cut last one', async () => {
    const batches = [await batchOf([spec(), spec({ offsetDelta: 1 })]), await batchOf([spec()], { firstOffset: 102n, compression: GZIP }), await batchOf([spec()], { firstOffset: 103n })];
    for (const cut of [undefined, 0, 12, 48, 49, 60, (batches[2] as Buffer).length - 1]) {
      const records = (await expectSame(fetched(batches, cut), `cut ${cut}`)) as { offset: string }[];
      expect(records.map((x) => x.offset)).toEqual(cut === undefined ? ['100', '101', '102', '103'] : ['100', '101', '102']);
    }
  });

  it('fails, or gives, what kafkajs does on malformed batches and records', async () => {
    const k = Buffer.from('k');
    const head = [Buffer.from([0]), varint(0n), varint(0n)]; // attributes, timestamp delta, offset delta
    const raws: [string, Buffer][] = [
      ['record length -1', varint(-1n)],
      ['record length 0', varint(0n)],
      ['record length past the batch', recordBytes([...head, varint(1n), k, varint(-1n), varint(0n)], 500)],
      ['record shorter than its fields', recordBytes([...head, varint(1n), k, varint(-1n), varint(0n)], 4)],
      ['record longer than its fields', recordBytes([...head, varint(1n), k, varint(-1n), varint(0n), Buffer.from([9, 9, 9])])],
      ['record missing its header count', recordBytes([...head, varint(-1n), varint(-1n)])],
      ['key length -2', recordBytes([...head, varint(-2n), k, varint(-1n), varint(0n)])],
      ['key length -100', recordBytes([...head, varint(-100n), varint(-1n), varint(0n)])],
      ['value length -50', recordBytes([...head, varint(-1n), varint(-50n), varint(0n)])],
      ['header value length -9', recordBytes([...head, varint(-1n), varint(-1n), varint(1n), varint(1n), k, varint(-9n)])],
      ['value length -3', recordBytes([...head, varint(-1n), varint(-3n), varint(0n)])],
      ['header count -2', recordBytes([...head, varint(-1n), varint(-1n), varint(-2n)])],
      ['header count past the record', recordBytes([...head, varint(-1n), varint(-1n), varint(3n), varint(1n), k, varint(-1n)])],
      ['header key length -2', recordBytes([...head, varint(-1n), varint(-1n), varint(1n), varint(-2n), varint(-1n)])],
      ['8-byte varlong', recordBytes([Buffer.from([0]), varint(2n ** 50n), varint(0n), varint(-1n), varint(-1n), varint(0n)])],
      ['10-byte varlong', recordBytes([Buffer.from([0]), varint(-(2n ** 63n)), varint(0n), varint(-1n), varint(-1n), varint(0n)])],
      ['11-byte varlong', recordBytes([Buffer.from([0]), varint(2n ** 70n), varint(0n), varint(-1n), varint(-1n), varint(0n)])],
      ['5-byte offset delta', recordBytes([Buffer.from([0]), varint(0n), varint(2n ** 33n + 5n), varint(-1n), varint(-1n), varint(0n)])],
    ];
    for (const [label, raw] of raws) {
      for (const compression of [0, GZIP]) await expectSame(fetched([await batchOf([spec(), raw, spec({ offsetDelta: 2 })], { compression })]), `${label}, compression ${compression}`);
    }
    // batch-level: a record count past the records, -1, -2; a batch shorter than its header; a fetch shorter than a magic byte
    const batch = await batchOf([spec(), spec({ offsetDelta: 1 })]);
    for (const count of [3, 2 ** 31 - 1, -1, -2, 0]) {
      const b = Buffer.from(batch);
      b.writeInt32BE(count, 12 + 45);
      await expectSame(fetched([b]), `count ${count}`);
      const g = Buffer.from(await batchOf([spec(), spec({ offsetDelta: 1 })], { compression: GZIP }));
      g.writeInt32BE(count, 12 + 45);
      await expectSame(fetched([g]), `gzip count ${count}`);
    }
    for (const length of [0, 30, 45, 48, -5]) {
      const b = Buffer.concat([batch, Buffer.alloc(60)]);
      b.writeInt32BE(length, 8);
      await expectSame(fetched([b]), `batch length ${length}`);
    }
    await expectSame(fetched([Buffer.alloc(10)]), 'fetch of 10 bytes');
  });

  it('leaves the legacy message set to kafkajs', async () => {
    for (const [messageVersion, compression] of [[0, 0], [1, 0], [1, GZIP]] as const) {
      const set = MessageSet({ messageVersion, compression, entries: [{ key: 'a', value: 'one', timestamp: 1_764_900_000_000 }, { key: null, value: 'two', timestamp: 1_764_900_000_001 }] }).buffer;
      const input = fetched([set]);
      expect((await expectSame(input, `message set v${messageVersion} compression ${compression}`)).length).toBe(2);
    }
  });
});

describe('kafkajs fetch responses with this decoder in place', () => {
  it('decode a fetch v11 response of two partitions as kafkajs alone would (the decoder leaves the response positioned after its messages)', async () => {
    const int = (bytes: number, v: number | bigint): Buffer => {
      const b = Buffer.alloc(bytes);
      if (bytes === 8) b.writeBigInt64BE(BigInt(v));
      else if (bytes === 4) b.writeInt32BE(Number(v));
      else b.writeInt16BE(Number(v));
      return b;
    };
    const partition = (id: number, messages: Buffer): Buffer =>
      Buffer.concat([int(4, id), int(2, 0), int(8, 900), int(8, 900), int(8, 0), int(4, 1), int(8, 77), int(8, 100), int(4, -1), messages]);
    const p0 = fetched([await batchOf([spec(), spec({ offsetDelta: 1 })]), await batchOf([spec()], { firstOffset: 102n, compression: GZIP })]);
    const p1 = fetched([await batchOf([spec({ headers: [['a', Buffer.from('1')]] })], { firstOffset: 500n }), await batchOf([spec()], { firstOffset: 501n })], 30);
    const topic = Buffer.from('captures');
    const response = Buffer.concat([int(4, 0), int(2, 0), int(4, 0), int(4, 1), int(2, topic.length), topic, int(4, 2), partition(0, p0), partition(1, p1)]);
    const { decode } = require(`${P}requests/fetch/v11/response.js`) as { decode: (b: Buffer) => Promise<{ responses: { partitions: { partition: number; abortedTransactions: unknown[]; messages: unknown[] }[] }[] }> };
    const [parts] = (await decode(response)).responses.map((r) => r.partitions);
    expect(parts?.map((p) => [p.partition, p.abortedTransactions])).toEqual([
      [0, [{ producerId: '77', firstOffset: '100' }]],
      [1, [{ producerId: '77', firstOffset: '100' }]],
    ]);
    // kafkajs's own decodeMessages at partition 0's messages in the same response buffer
    const own = new Decoder(response) as { offset: number };
    own.offset = response.indexOf(p0);
    expect(shape(parts?.[0]?.messages, response)).toBe(shape(await kafkajsDecodeMessages(own), response));
    expect((parts?.[0]?.messages as { offset: string }[]).map((m) => m.offset)).toEqual(['100', '101', '102']);
    expect((parts?.[1]?.messages as { offset: string }[]).map((m) => m.offset)).toEqual(['500']);
  });
});

describe('assertRecordBatches', () => {
  it('passes when kafkajs fetch responses use this decoder', () => {
    expect(() => assertRecordBatches()).not.toThrow();
    expect(require(`${P}requests/fetch/v4/decodeMessages.js`)).toBe(decodeMessages);
  });

  it('refuses when kafkajs loaded its own decoder first', async () => {
    vi.resetModules();
    // a second copy of this module finds the first copy's decoder in the cache: as if kafkajs's were there
    const again = (await import('./kafkajs-record-batches.js')) as typeof import('./kafkajs-record-batches.js');
    expect(again.decodeMessages).not.toBe(decodeMessages);
    expect(() => again.assertRecordBatches()).toThrow(/kafkajs loaded its own .*decodeMessages.js before/);
  });
});
