/**
 * Blocks of several decoders, each over its share of an input's byte ranges, merged onto one
 * registry (MergedSlots) and cut into batches (LogicalBatches), are what one decoder gives over
 * the whole input: per batch, the same records (line numbers, problems), the same new features
 * announced, and the same rows (widths, kinds, values, texts) read through the monitor's reader.
 * The input makes the decoders register features in different orders (JSON keys and extra CSV
 * columns first met in different ranges), so their slots differ and blocks must be laid out again.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rng } from '../../test/support/random.js';
import { BlockDecoder, declaredRegistry, type BlockDecodeSpec } from '../record/block-decoder.js';
import { MergedSlots } from '../record/block-slots.js';
import { DecodedBlockReader, blockArrays } from '../record/decoded-block.js';
import { FeatureRegistry } from '../record/feature-registry.js';
import { ValueKind } from '../record/row.js';
import { planUnits } from './decode-units.js';
import { FileSource } from './file-source.js';
import { LogicalBatches } from './logical-batches.js';
import type { RawBatch } from './source.js';
import { unitLines } from './unit-lines.js';

const BATCH = 16;

const spec = (maxFeatures = 1000): BlockDecodeSpec => ({
  maxLineLength: 4000,
  maxFutureSkewMs: 1e15,
  record: {},
  maxFeatures,
  declarations: [
    { name: '_c0', keepText: false },
    { name: '_c1', keepText: true },
  ],
  baselineNames: undefined,
});

/** A capture line: CSV of `cols` numbers, or a JSON payload with keys drawn from a growing set. */
function line(r: ReturnType<typeof rng>, i: number): string {
  const time = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
  let input;
  if (r.next() < 0.3) {
    const instances = Array.from({ length: 1 + r.int(3) }, () => Object.fromEntries(Array.from({ length: 1 + r.int(3) }, () => [`k${r.int(3 + Math.floor(i / 15))}`, r.next() < 0.3 ? `s${r.int(4)}` : r.int(100)])));
    input = { observedContentType: 'application/json', mode: 'INPUT', data: JSON.stringify({ instances }), encoding: 'JSON' };
  } else {
    const cols = Array.from({ length: 3 + r.int(4 + Math.floor(i / 40)) }, () => (r.next() < 0.2 ? `w${r.int(3)}` : String(r.int(50))));
    input = { observedContentType: 'text/csv', mode: 'INPUT', data: cols.join(','), encoding: 'CSV' };
  }
  if (r.next() < 0.03) return '{"captureData":';
  const output = { observedContentType: 'text/csv', mode: 'OUTPUT', data: String(r.int(2)), encoding: 'CSV' };
  return JSON.stringify({ captureData: { endpointInput: input, endpointOutput: output }, eventMetadata: { eventId: `e${i}`, inferenceTime: time }, eventVersion: '0' });
}

interface Seen {
  newFeatures: string[];
  records: string[];
}

/** What the monitor takes from logical batches (parts joined), reading rows through DecodedBlockReader on its own registry. */
function read(batches: RawBatch[], registry: FeatureRegistry): { batches: Seen[]; blank: number } {
  const out: Seen[] = [];
  let current: Seen | undefined;
  let blank = 0;
  for (const b of batches) {
    const block = b.decoded!;
    blank += b.blankLines ?? 0;
    current ??= { newFeatures: [], records: [] };
    current.newFeatures.push(...block.newFeatures.map((f) => `${f.name}@${f.index}`));
    const reader = new DecodedBlockReader(block, registry);
    const { rowCounts } = blockArrays(block.buffer, block.recordCapacity, block.rowCapacity, block.stride);
    const from = b.decodedFrom ?? 0;
    for (let i = 0; i < from; i++) for (let k = 0; k < (rowCounts[i] as number); k++) reader.next();
    for (let i = from; i < block.records; i++) {
      const problem = block.problems.find((p) => p.record === i);
      const rows: string[] = [];
      for (let k = 0; k < (rowCounts[i] as number); k++) {
        const row = reader.next();
        const cells: string[] = [];
        for (let s = 0; s < row.width; s++) {
          const kind = row.kinds[s] as number;
          const numeric = kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL;
          cells.push(kind === ValueKind.MISSING ? '-' : `${kind}:${numeric ? row.numbers[s] : ''}:${!numeric || registry.at(s).keepText ? row.strings[s] : ''}`);
        }
        rows.push(`${row.width}[${cells.join(' ')}]@${row.eventTimeMs}`);
      }
      current.records.push(`${b.origin(i)} ${problem ? problem.reason : ''} ${rows.join(' ')}`);
    }
    if (b.continues !== true) {
      out.push(current);
      current = undefined;
    }
  }
  expect(current).toBeUndefined();
  return { batches: out, blank };
}

async function oneDecoder(dir: string, s: BlockDecodeSpec): Promise<RawBatch[]> {
  const decoder = new BlockDecoder(s, BATCH);
  const out: RawBatch[] = [];
  for await (const batch of new FileSource({ paths: [dir], batchSize: BATCH, maxLineLength: s.maxLineLength }).batches()) {
    decoder.decode(batch, batch.lineNo);
    const block = decoder.take(batch.originName, batch.blankLines ?? 0);
    const { lineNos } = blockArrays(block.buffer, block.recordCapacity, block.rowCapacity, block.stride);
    out.push({ records: [], decoded: block, origin: (i) => `${block.origin}:${lineNos[i]}`, ...(block.blankLines > 0 ? { blankLines: block.blankLines } : {}) });
  }
  return out;
}

/** `decoders` decoders dealt the units round-robin, merged and batched as parallel-decoded-file-source.ts does; undefined where a block cannot be merged. */
async function manyDecoders(dir: string, s: BlockDecodeSpec, decoders: number, rangeBytes: number): Promise<RawBatch[] | undefined> {
  const units = await planUnits([dir], rangeBytes);
  const each = Array.from({ length: decoders }, () => new BlockDecoder(s, BATCH, undefined, true));
  const slots = new MergedSlots(declaredRegistry(s));
  const batches = new LogicalBatches(slots.registry, BATCH);
  const out: RawBatch[] = [];
  let file: string | undefined;
  let base = 0;
  for (const unit of units) {
    if (unit.file !== file) {
      if (file !== undefined) out.push(...batches.fileEnd(file));
      [file, base] = [unit.file, 0];
    }
    const progress = { lines: 0 };
    const decoder = each[unit.index % decoders] as BlockDecoder;
    for await (const batch of unitLines(unit, { maxLineLength: s.maxLineLength, batchSize: BATCH, onError: (e) => expect.fail(String(e)) }, progress)) {
      decoder.decode(batch, batch.lineNo);
      const block = slots.translate(unit.index % decoders, decoder.take(batch.originName, batch.blankLines ?? 0));
      if (block === undefined) return undefined;
      const { lineNos } = blockArrays(block.buffer, block.recordCapacity, block.rowCapacity, block.stride);
      for (let i = 0; i < block.records; i++) (lineNos[i] as number) += base;
      out.push(...batches.add(block, () => undefined, () => undefined));
    }
    base += progress.lines;
  }
  if (file !== undefined) out.push(...batches.fileEnd(file));
  return out;
}

describe('MergedSlots and LogicalBatches', () => {
  it('give one decoder’s batches from several decoders over byte ranges (seeded)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-merge-'));
    for (const [f, n] of [
      [0, 150],
      [1, 7],
      [2, 260],
    ] as const) {
      const r = rng(11 + f);
      const lines = Array.from({ length: n }, (_, i) => line(r, i)).flatMap((l, i) => (i % 23 === 5 ? [l, ''] : [l]));
      writeFileSync(join(dir, `${f}.jsonl`), `${lines.join('\n')}\n`);
    }
    const one = read(await oneDecoder(dir, spec()), declaredRegistry(spec()));
    expect(one.batches.flatMap((b) => b.newFeatures).length, JSON.stringify(one.batches[0]).slice(0, 600)).toBeGreaterThan(8);
    expect(one.blank).toBeGreaterThan(10);
    let relaid = 0;
    for (const [decoders, rangeBytes] of [
      [2, 200],
      [3, 500],
      [2, 3000],
    ] as const) {
      const many = await manyDecoders(dir, spec(), decoders, rangeBytes);
      expect(many).toBeDefined();
      relaid += many!.filter((b) => b.decoded!.stride !== 8 && b.decoded!.buffer.byteLength > 0).length;
      expect(read(many!, declaredRegistry(spec())), `${decoders} decoders, ${rangeBytes}-byte ranges`).toEqual(one);
    }
    expect(relaid).toBeGreaterThan(0);
  });

  it('refuse to merge a block once the features pass maxFeatures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftmon-merge-'));
    const r = rng(5);
    writeFileSync(join(dir, 'a.jsonl'), `${Array.from({ length: 300 }, (_, i) => line(r, i)).join('\n')}\n`);
    const one = read(await oneDecoder(dir, spec(10)), declaredRegistry(spec(10)));
    expect(one.batches.some((b) => b.records.some((x) => x.includes('too_many_features')))).toBe(true);
    expect(await manyDecoders(dir, spec(10), 2, 300)).toBeUndefined();
    // each decoder's own registry has room; together they pass the limit
    const two = mkdtempSync(join(tmpdir(), 'driftmon-merge-'));
    const keyed = (prefix: string): string =>
      Array.from({ length: 4 }, (_, k) => JSON.stringify({ captureData: { endpointInput: { observedContentType: 'application/json', mode: 'INPUT', data: JSON.stringify({ instances: [{ [`${prefix}${k}`]: 1 }] }), encoding: 'JSON' }, endpointOutput: { observedContentType: 'text/csv', mode: 'OUTPUT', data: '1', encoding: 'CSV' } }, eventMetadata: { eventId: 'e', inferenceTime: '2026-01-01T00:00:00Z' }, eventVersion: '0' })).join('\n') + '\n';
    writeFileSync(join(two, 'a.jsonl'), keyed('a'));
    writeFileSync(join(two, 'b.jsonl'), keyed('b'));
    const whole = read(await oneDecoder(two, spec(7)), declaredRegistry(spec(7)));
    expect(whole.batches.flatMap((b) => b.records).filter((x) => x.includes('too_many_features'))).toHaveLength(3);
    expect(await manyDecoders(two, spec(7), 2, 1 << 20)).toBeUndefined();
  });
});
