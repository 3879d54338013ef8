import { describe, expect, it } from 'vitest';
import { rng } from '../../test/support/random.js';
import { RecordErrorReason } from '../errors.js';
import { DecodedBlockBuilder, DecodedBlockReader, blockArrays } from './decoded-block.js';
import { FeatureRegistry } from './feature-registry.js';
import { ValueKind, createRow, ensureRowCapacity, type FeatureRow } from './row.js';

interface Kept {
  time: number;
  cells: [number, number | string | undefined][];
}

/** What the profile reads of a row: each slot's kind, and its value or text where it reads one. */
function keep(row: FeatureRow, registry: FeatureRegistry): Kept {
  const cells: Kept['cells'] = [];
  for (let i = 0; i < row.width; i++) {
    const kind = row.kinds[i] as number;
    const numeric = kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL;
    const text = !numeric || registry.at(i).keepText ? row.strings[i] : undefined;
    cells.push([kind, kind === ValueKind.MISSING ? undefined : numeric ? (registry.at(i).keepText ? `${row.numbers[i]}|${text}` : (row.numbers[i] as number)) : text]);
  }
  return { time: row.eventTimeMs, cells };
}

describe('DecodedBlock: rows handed from a decoding thread', () => {
  it('a reader on a mirrored registry gives back every row the builder took, across growth, drops and reuse (seeded)', () => {
    const r = rng(7);
    const source = new FeatureRegistry();
    const target = new FeatureRegistry();
    for (const reg of [source, target]) {
      reg.declare('a', { keepText: false });
      reg.declare('s', { keepText: true });
    }
    const builder = new DecodedBlockBuilder(source, 16);
    const row = createRow(4);
    let spare: ArrayBuffer | undefined;
    for (let blockNo = 0; blockNo < 12; blockNo++) {
      const expected: Kept[] = [];
      const perRecord: number[] = [];
      const records = 1 + r.int(40);
      for (let rec = 0; rec < records; rec++) {
        builder.beginRecord(rec + 1);
        const rows = r.int(4);
        let kept = 0;
        for (let k = 0; k < rows; k++) {
          // now and then a feature met for the first time, widening the rows
          if (r.next() < 0.03) source.indexOf(`f${source.size}`, r.next() < 0.5);
          ensureRowCapacity(row, source.size);
          row.width = source.size;
          row.eventTimeMs = 1_000 * blockNo + rec;
          for (let i = 0; i < row.width; i++) {
            const kind = r.int(5) as ValueKind;
            row.kinds[i] = kind;
            row.numbers[i] = r.normal();
            row.strings[i] = kind === ValueKind.BOOLEAN ? 'true' : `t${r.int(9)}`;
          }
          builder.onRow(row);
          expected.push(keep(row, source));
          kept++;
        }
        if (rows > 0 && r.next() < 0.1) {
          // a poison record: its rows are dropped
          builder.dropRecordRows();
          expected.splice(expected.length - kept, kept);
          kept = 0;
          builder.endRecord(`line ${rec}`, { reason: RecordErrorReason.PROCESSING_ERROR, error: 'Error: boom' });
        } else {
          builder.endRecord(`line ${rec}`);
        }
        perRecord.push(kept);
      }
      if (spare !== undefined) builder.reuse(spare);
      const block = builder.take('file.jsonl', blockNo, undefined);
      expect(block.records).toBe(records);
      expect(block.rows).toBe(expected.length);
      const reader = new DecodedBlockReader(block, target);
      expect(target.features.map((f) => f.name)).toEqual(source.features.map((f) => f.name));
      expect(Array.from(reader.arrays.rowCounts.subarray(0, records))).toEqual(perRecord);
      expect(Array.from(reader.arrays.lineNos.subarray(0, records))).toEqual(perRecord.map((_n, i) => i + 1));
      const got = Array.from({ length: block.rows }, () => keep(reader.next(), target));
      expect(got).toEqual(expected);
      expect(block.problems.every((p) => p.reason === RecordErrorReason.PROCESSING_ERROR && p.error === 'Error: boom')).toBe(true);
      spare = block.buffer;
      expect(blockArrays(spare, block.recordCapacity, block.rowCapacity, block.stride).times.length).toBe(block.rowCapacity);
    }
    expect(source.size).toBeGreaterThan(8); // the stride grew past its first 8 slots
  });

  it('keeps the text of numeric values exactly where keepText is on, as it changes mid-block', () => {
    const source = new FeatureRegistry();
    source.declare('n');
    const builder = new DecodedBlockBuilder(source, 64);
    const row = createRow(4);
    let records = 0;
    const emit = (): void => {
      ensureRowCapacity(row, source.size);
      row.width = source.size;
      for (let i = 0; i < row.width; i++) {
        row.kinds[i] = i % 2 === 0 ? ValueKind.FRACTIONAL : ValueKind.INTEGRAL;
        row.numbers[i] = i + 0.5 * (i % 2 === 0 ? 1 : 0);
        row.strings[i] = `text${i}`;
      }
      builder.beginRecord(++records);
      builder.onRow(row);
      builder.endRecord('line');
    };
    emit();
    source.declare('n', { keepText: true }); // an existing feature switched on
    emit();
    source.declare('k', { keepText: true }); // a new one, declared with it
    emit();
    source.indexOf('plain'); // a new one without it
    emit();
    source.keepAllText();
    emit();
    source.indexOf('later'); // registered after keepAllText: with it
    emit();
    const block = builder.take('f', 0, undefined);
    // each row's texts: those of the slots with keepText at that row (n, k, plain, later)
    const texts = Array.from(block.textIds, (id) => block.dictionary[id]);
    const upTo = (n: number): string[] => Array.from({ length: n }, (_x, i) => `text${i}`);
    expect(texts).toEqual([...upTo(0), ...upTo(1), ...upTo(2), ...upTo(2), ...upTo(3), ...upTo(4)]);
  });

  it('refuses rows past the future limit, sending their record to the dead letters once, and keeps its other rows', () => {
    const registry = new FeatureRegistry();
    registry.declare('a');
    const builder = new DecodedBlockBuilder(registry, 4);
    builder.futureLimitMs = 100;
    const row = createRow(1);
    row.width = 1;
    row.kinds[0] = ValueKind.INTEGRAL;
    builder.beginRecord(1);
    for (const t of [50, 150, 60, 200]) {
      row.eventTimeMs = t;
      builder.onRow(row);
    }
    builder.endRecord('the line');
    const block = builder.take('f', 0, undefined);
    expect(block.rows).toBe(2);
    expect(block.problems).toEqual([{ record: 0, text: 'the line', reason: RecordErrorReason.EVENT_TIME_IN_FUTURE }]);
  });

  it('a registry out of step with the decoder is a broken invariant', () => {
    const source = new FeatureRegistry();
    const target = new FeatureRegistry();
    source.declare('a');
    target.declare('b');
    const builder = new DecodedBlockBuilder(source, 4);
    source.indexOf('c');
    const block = builder.take('f', 0, undefined);
    expect(() => new DecodedBlockReader(block, target)).not.toThrow(); // c lands on slot 1 in both
    target.indexOf('d');
    source.indexOf('e');
    expect(() => new DecodedBlockReader(builder.take('f', 0, undefined), target)).toThrow(/out of step/);
  });
});
