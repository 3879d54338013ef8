/**
 * A capture stream with known window counts, for exactness checks on a real broker: records at a
 * fixed event-time rate spread round-robin over partitions (each partition in event-time order),
 * the exact item_count of every window a run must close, and the counts a run reported.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CaptureLineGenerator } from '../../bench/support/capture-lines.js';
import type { OutMessage } from './kafka.js';

export interface CaptureStream {
  messages: OutMessage[];
  /** Report folder (model/<size>/yyyy/mm/dd/HH/MM-SS) → exact item_count, for every window that closes. */
  expected: Map<string, number>;
}

/**
 * `records` lines from seed, `perSecond` per second of event time from startMs, partition = i mod
 * `partitions`. A window closes at end + grace ≤ the watermark (the smallest partition's last time).
 */
export function captureStream(o: { seed: number; records: number; partitions: number; perSecond: number; startMs: number; windowMs: number; graceMs: number }): CaptureStream {
  const gen = new CaptureLineGenerator(o.seed, o.startMs, o.perSecond);
  const exact = new Map<string, number>();
  const lastTime = new Array<number>(o.partitions).fill(0);
  const messages: OutMessage[] = [];
  for (let i = 0; i < o.records; i++) {
    const t = o.startMs + Math.floor(i / o.perSecond) * 1000;
    const partition = i % o.partitions;
    const key = windowFolder(t - (t % o.windowMs), o.windowMs);
    exact.set(key, (exact.get(key) ?? 0) + 1);
    lastTime[partition] = t;
    messages.push({ value: gen.next(), partition });
  }
  const watermark = Math.min(...lastTime);
  const expected = new Map<string, number>();
  for (let start = o.startMs; start + o.windowMs + o.graceMs <= watermark; start += o.windowMs) {
    const folder = windowFolder(start, o.windowMs);
    expected.set(folder, exact.get(folder) as number);
  }
  return { messages, expected };
}

/** The report folder of the window starting at startMs, for monitor `model` (sizes in whole seconds). */
export function windowFolder(startMs: number, windowMs: number): string {
  const d = new Date(startMs);
  const p = (n: number): string => String(n).padStart(2, '0');
  return join('model', `${windowMs / 1000}s`, String(d.getUTCFullYear()), p(d.getUTCMonth() + 1), p(d.getUTCDate()), p(d.getUTCHours()), `${p(d.getUTCMinutes())}-${p(d.getUTCSeconds())}`);
}

/** Every statistics.json under dir (none yet: empty), by window folder → its item_count. */
export function reportCounts(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name === 'statistics.json') {
        out.set(relative(dir, d), (JSON.parse(readFileSync(p, 'utf8')) as { dataset: { item_count: number } }).dataset.item_count);
      }
    }
  };
  try {
    walk(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return out;
}

/** One line per window whose reported count differs from the exact one (empty: all exact). */
export function wrongCounts(expected: Map<string, number>, got: Map<string, number>): string[] {
  return [...expected].filter(([folder, n]) => got.get(folder) !== n).map(([folder, n]) => `${folder}: expected ${n}, got ${got.get(folder)}`);
}
