/**
 * `driftmon replay --decode-in-worker on` (capture files read and decoded in a worker thread) gives
 * what the in-thread path gives, byte for byte: the reports of
 * every window, the dead letters (reason, origin, record), the summary and the exit code (times of
 * writing apart). The
 * input mixes what takes each path through the hand-over: CSV rows, multi-row JSON payloads, new
 * features met mid-stream, string values, blank lines, malformed and future-dated records, a line
 * over maxLineLength and a truncated .gz; and it is large enough to span several blocks.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { captureLines, outputTree, replayDirs } from './support/replay-fixture.js';

/** A capture line whose JSON payload holds `rows` instances with named features, one a string. */
function jsonLine(s: number, rows: number): string {
  const instances = Array.from({ length: rows }, (_, r) => ({ extra: s + r, [`k${s % 3}`]: r, cat: s % 2 === 0 ? 'red' : 'blue' }));
  return JSON.stringify({
    captureData: {
      endpointInput: { observedContentType: 'application/json', mode: 'INPUT', data: JSON.stringify({ instances }), encoding: 'JSON' },
      endpointOutput: { observedContentType: 'application/json', mode: 'OUTPUT', data: JSON.stringify({ predictions: instances.map(() => 0.5) }), encoding: 'JSON' },
    },
    eventMetadata: { eventId: `j${s}`, inferenceTime: new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString() },
    eventVersion: '0',
  });
}

describe('replay with the files decoded in a worker thread', () => {
  it('writes the same reports, dead letters and summary as decoding in the monitor thread', async () => {
    const { dir, baselineDir, cap } = await replayDirs('driftmon-decode-worker-');
    // six small files with oddities among their lines (each file ends a block), then one of 9,000
    // lines (three blocks)
    for (let f = 0; f < 6; f++) {
      const lines = captureLines(f * 100, 100);
      if (f === 1) lines.splice(10, 0, '', '   ', '{"captureData":', jsonLine(f * 100 + 11, 3), jsonLine(f * 100 + 12, 1));
      if (f === 2) lines.splice(5, 0, lines[5]!.replace('2026-01-01', '2099-01-01'), lines[6]!.replace('"data":"', '"data":"abc,'));
      if (f === 3) lines.splice(7, 0, `{"x":"${'y'.repeat(3000)}"}`);
      writeFileSync(join(cap, `${String(f).padStart(2, '0')}.jsonl`), `${lines.join('\n')}\n`);
    }
    const big = captureLines(600, 9000).map((l, i) => (i % 997 === 5 ? jsonLine(600 + i, 2) : l));
    writeFileSync(join(cap, '06-big.jsonl'), `${big.join('\n')}\n`);
    const gz = gzipSync(`${captureLines(9600, 200).join('\n')}\n`);
    writeFileSync(join(cap, '07-cut.jsonl.gz'), gz.subarray(0, Math.floor(gz.length * 0.5)));

    const config = (mode: boolean, out: string): string => {
      const file = join(dir, `config-${mode}.yaml`);
      writeFileSync(
        file,
        [
          'monitors:',
          '  - name: replay',
          `    source: { type: files, paths: ["${cap}"], decodeInWorker: ${mode}, decodeWorkers: 1, decodeShare: false }`,
          `    baseline: { dir: "${baselineDir}" }`,
          '    windows: [1m, 5m]',
          '    maxLineLength: 2048',
          `output: { dir: "${out}", deadLetterDir: "${join(out, 'dead-letter')}" }`,
          // no /metrics server: the default port (9464) may be another test's at the same moment (exit 5)
          'http: { enabled: false }',
          '',
        ].join('\n'),
      );
      return file;
    };
    const runs = [];
    for (const mode of [false, true]) {
      const out = join(dir, `out-${mode}`);
      const r = await runCli(['replay', '--config', config(mode, out)]);
      runs.push({ ...r, out });
    }
    const [inThread, inWorker] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(inThread.stderr).not.toContain('decoded in a worker thread');
    expect(inWorker.stderr).toContain('decoded in a worker thread');
    // the truncated .gz reaches the app's handler from either thread, logged once
    for (const r of runs) expect(r.stderr.split('input file could not be read; skipped').length - 1).toBe(1);
    expect(inWorker.code).toBe(inThread.code);
    expect(inThread.code).toBe(3); // the truncated .gz
    expect(inWorker.stdout.replaceAll(inWorker.out, 'OUT')).toBe(inThread.stdout.replaceAll(inThread.out, 'OUT'));
    const a = outputTree(inThread.out);
    const b = outputTree(inWorker.out);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [path, text] of a) expect(b.get(path), path).toBe(text);
    const dead = a.get(join('dead-letter', 'replay.jsonl')) ?? '';
    for (const reason of ['not_json', 'event_time_in_future', 'line_too_long']) expect(dead).toContain(`"reason":"${reason}"`);
    // 606 records in the small files, 9,000 in the big one, and the complete lines of the cut .gz
    const records = Number(/(\d+) records/.exec(inThread.stdout)?.[1]);
    expect(records).toBeGreaterThan(9606);
    expect(records).toBeLessThan(9806);
    expect(inThread.stdout).toContain('blank lines skipped: 2');
  }, 120_000);
});
