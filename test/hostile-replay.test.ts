/**
 * Issue 10's replay "Must show", through the built CLI: one capture folder holding a BOM file, a
 * truncated .gz, a 600 MB line (generated here, deleted after), a record dated 2099 and records keyed
 * `__proto__`, among good records over five one-minute windows. Nothing may crash; every good record
 * must be counted in its window and every bad one by its reason; peak RSS stays under 300 MB.
 */
import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { constants as zlibConstants, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { captureLines, replayDirs, runCliMeasured } from './support/replay-fixture.js';

const LONG_LINE_BYTES = 600 * 1024 * 1024;

/** A capture line whose JSON payload instance has a `__proto__` key, at 2026-01-01T00:00:00Z + `s` s. */
function protoLine(s: number): string {
  return JSON.stringify({
    captureData: {
      endpointInput: { observedContentType: 'application/json', mode: 'INPUT', data: `{"instances":[{"_c1":${s},"__proto__":{"polluted":1},"constructor":"x"}]}`, encoding: 'JSON' },
      endpointOutput: { observedContentType: 'text/csv', mode: 'OUTPUT', data: '1', encoding: 'CSV' },
    },
    eventMetadata: { eventId: `p${s}`, inferenceTime: new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString() },
    eventVersion: '0',
  });
}

describe.skipIf(process.platform !== 'linux')('a replay over hostile input (peak RSS from /proc: Linux only)', () => {
  it('truncated .gz, BOM, a 600 MB line, a record dated 2099 and __proto__ keys: exact windows, every bad record by its reason, RSS < 300 MB', async () => {
    const { dir, baselineDir, cap } = await replayDirs('driftmon-hostile-');
    // minute 0: a file that starts with a BOM
    writeFileSync(join(cap, '00-bom.jsonl'), `\uFEFF${captureLines(0, 60).join('\n')}\n`);
    // minute 1: a gzip cut short; its complete lines count, the rest of the file cannot be read
    const whole = gzipSync(`${captureLines(60, 60).join('\n')}\n`);
    const truncated = whole.subarray(0, Math.floor(whole.length * 0.6));
    writeFileSync(join(cap, '01-truncated.jsonl.gz'), truncated);
    const kept = gunzipSync(truncated, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString().split('\n').length - 1;
    expect(kept).toBeGreaterThan(0);
    // minutes 2 and 3, with a 600 MB line and a record dated 2099 between them
    const big = join(cap, '02-long.jsonl');
    const fd = openSync(big, 'w');
    writeSync(fd, `${captureLines(120, 60).join('\n')}\n`);
    const chunk = Buffer.alloc(10 * 1024 * 1024, 'x');
    for (let written = 0; written < LONG_LINE_BYTES; written += chunk.length) writeSync(fd, chunk);
    const from2099 = captureLines(180, 1)[0]!.replace('2026-01-01T00:03:00Z', '2099-01-01T00:00:00Z');
    expect(from2099).toContain('2099-01-01');
    writeSync(fd, `\n${from2099}\n${captureLines(180, 60).join('\n')}\n`);
    closeSync(fd);
    // minute 4: prototype member names as keys of a JSON payload
    writeFileSync(join(cap, '03-proto.jsonl'), `${Array.from({ length: 30 }, (_, i) => protoLine(240 + i)).join('\n')}\n`);

    const out = join(dir, 'out');
    let r;
    try {
      r = await runCliMeasured(['replay', '--capture', cap, '--baseline', baselineDir, '--window', '1m', '--output', out]);
    } finally {
      rmSync(big);
    }
    process.stdout.write(`hostile replay: peak RSS ${r.peakMb.toFixed(0)} MB with a ${LONG_LINE_BYTES / 1024 / 1024} MB line\n`);
    expect(r.stderr).not.toMatch(/internal error|Invalid string length|labelset/);
    expect(r.code).toBe(3); // the truncated file could not be read whole; everything else was
    expect(r.stderr).toContain('01-truncated.jsonl.gz');
    expect(r.peakMb).toBeGreaterThan(0);
    expect(r.peakMb).toBeLessThan(300);

    const index = readFileSync(join(out, 'replay', 'index.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { item_count: number; window_start: string });
    expect(index.map((w) => [w.window_start, w.item_count])).toEqual([
      ['2026-01-01T00:00:00.000Z', 60],
      ['2026-01-01T00:01:00.000Z', kept],
      ['2026-01-01T00:02:00.000Z', 60],
      ['2026-01-01T00:03:00.000Z', 60],
      ['2026-01-01T00:04:00.000Z', 30],
    ]);
    const dead = readFileSync(join(out, 'dead-letter', 'replay.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { reason: string; source: string; record: string; record_bytes?: number });
    expect(dead.map((d) => [d.reason, d.source.split('/').at(-1), d.record_bytes ?? null])).toEqual([
      ['line_too_long', '02-long.jsonl:61', LONG_LINE_BYTES],
      ['event_time_in_future', '02-long.jsonl:62', null],
    ]);
    expect(dead[0]?.record).toHaveLength(1024);
    expect(r.stdout).toContain(`${60 + kept + 2 + 120 + 30} records`);
    expect(r.stdout).toMatch(/invalid records by reason: (line_too_long 1, event_time_in_future 1|event_time_in_future 1, line_too_long 1)/);
  }, 120_000);
});
