/**
 * Writes N capture lines (CaptureLineGenerator) to stdout, with back-pressure, then exits once its
 * own stdin ends (at once when stdin is /dev/null): the input of a `driftmon run` over a stdin
 * source in bench/throughput.bench.ts, so tens of millions of records stream through without being
 * stored, and the bench decides when driftmon's input ends (after its last reading).
 *
 *   node capture-stdout.js RECORDS SEED START_MS PER_SECOND
 */
import { once } from 'node:events';
import { CaptureLineGenerator } from './capture-lines.js';

const [records, seed, startMs, perSecond] = process.argv.slice(2).map(Number) as [number, number, number, number];
const gen = new CaptureLineGenerator(seed, startMs, perSecond);
const CHUNK = 4096;
for (let done = 0; done < records; ) {
  const n = Math.min(CHUNK, records - done);
  let text = '';
  for (let k = 0; k < n; k++) text += `${gen.next()}\n`;
  done += n;
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}
process.stdin.resume();
await once(process.stdin, 'end');
