/**
 * Realistic 20-feature SageMaker capture lines for benchmarks (~520 bytes each): one model output
 * and 19 inputs, CSV payloads, UUID eventIds, inferenceIds, second-precision inferenceTimes that
 * advance at a fixed rate. Payloads and ids come from a seeded pool of distinct rows and each line
 * is assembled by concatenation, so generating costs little next to what the bench measures and
 * leaves little garbage behind (RSS is one of the measurements).
 */
import { rng, type Rng } from '../../test/support/random.js';

export const FEATURES: readonly string[] = ['score', ...Array.from({ length: 19 }, (_v, i) => `f${i + 1}`)];

interface PoolEntry {
  inputs: string;
  score: string;
  eventId: string;
}

function makePool(r: Rng, size: number): PoolEntry[] {
  const hex = (n: number): string => {
    let s = '';
    for (let k = 0; k < n; k++) s += r.int(16).toString(16);
    return s;
  };
  const pool: PoolEntry[] = [];
  for (let p = 0; p < size; p++) {
    const inputs: string[] = [];
    for (let f = 0; f < 19; f++) {
      // alternate integral and fractional columns with different scales
      if (f % 3 === 0) inputs.push(String(Math.round(50 + 15 * r.normal())));
      else if (f % 3 === 1) inputs.push((1000 + 250 * r.normal()).toFixed(3));
      else inputs.push(Math.exp(r.normal()).toFixed(4));
    }
    pool.push({
      inputs: inputs.join(','),
      score: (1 / (1 + Math.exp(-r.normal()))).toFixed(6),
      eventId: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
    });
  }
  return pool;
}

/**
 * A known shift for drift tests: from record `fromIndex` on, input column `feature` (f1…f19) is
 * multiplied by `factor` (other columns and ids unchanged).
 */
export interface DriftSpec {
  fromIndex: number;
  feature: string;
  factor: number;
}

function driftPool(pool: PoolEntry[], d: DriftSpec): PoolEntry[] {
  const col = FEATURES.indexOf(d.feature) - 1; // inputs exclude the output column `score`
  if (col < 0) throw new Error(`no input feature ${d.feature}`);
  return pool.map((p) => {
    const cells = p.inputs.split(',');
    const v = Number(cells[col]);
    cells[col] = Number.isInteger(v) ? String(Math.round(v * d.factor)) : (v * d.factor).toFixed(4);
    return { ...p, inputs: cells.join(',') };
  });
}

export class CaptureLineGenerator {
  private pool: PoolEntry[];
  private drifted: PoolEntry[] | undefined;
  private i = 0;
  private timeSecond = Number.NaN;
  private timeText = '';

  /** `perSecond` records share each second of event time, starting at `startMs`. */
  constructor(
    seed: number,
    private readonly startMs: number,
    private readonly perSecond: number,
    poolSize = 20_011,
    private readonly drift?: DriftSpec,
  ) {
    this.pool = makePool(rng(seed), poolSize);
    if (drift !== undefined) this.drifted = driftPool(this.pool, drift);
  }

  /** Index of the next record. */
  get index(): number {
    return this.i;
  }

  next(): string {
    const id = this.i++;
    if (this.drifted !== undefined && id === (this.drift as DriftSpec).fromIndex) {
      this.pool = this.drifted;
      this.drifted = undefined;
    }
    const second = Math.floor(id / this.perSecond);
    if (second !== this.timeSecond) {
      this.timeSecond = second;
      this.timeText = new Date(this.startMs + second * 1000).toISOString().slice(0, 19) + 'Z';
    }
    const p = this.pool[id % this.pool.length] as PoolEntry;
    return (
      '{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"' +
      p.inputs +
      '","encoding":"CSV"},"endpointOutput":{"observedContentType":"text/csv; charset=utf-8","mode":"OUTPUT","data":"' +
      p.score +
      '","encoding":"CSV"}},"eventMetadata":{"eventId":"' +
      p.eventId +
      '","inferenceId":"' +
      p.eventId.slice(0, 28) +
      id +
      '","inferenceTime":"' +
      this.timeText +
      '"},"eventVersion":"0"}'
    );
  }

  /**
   * n lines as flat strings, like the ones a source hands over (lines sliced from a read buffer).
   * Lines built with `+` are ropes that V8 flattens on first use; doing that here keeps the cost
   * out of whichever timed pass would touch a line first.
   */
  chunk(n: number): string[] {
    const out = new Array<string>(n);
    let sink = 0;
    for (let k = 0; k < n; k++) {
      const line = this.next();
      sink |= (line as unknown as number) | 0; // ToNumber flattens the rope (the flatstr trick)
      out[k] = line;
    }
    if (sink === 1) out.push(''); // never true (NaN | 0 is 0); keeps the loop from being elided
    return out;
  }

  *lines(n: number): Iterable<string> {
    for (let k = 0; k < n; k++) yield this.next();
  }
}
