/**
 * Capture lines for live (wall-clock) streams: the same rows, ids and pool as CaptureLineGenerator
 * with the same seed (so a baseline built by buildCaptureBaseline from that seed describes the
 * undrifted stream), but each line's inferenceTime is given explicitly — the moment the record is
 * produced, with millisecond precision — instead of derived from the record index.
 *
 * Two CaptureLineGenerators run in lockstep, one of them drifted from its first record on; next()
 * takes its line from either, so switching to the drifted rows at any moment keeps record indices
 * (and inference ids) continuous. CaptureLineGenerator itself is left as it is.
 */
import { CaptureLineGenerator } from './capture-lines.js';

const TIME_FIELD = '"inferenceTime":"';
const ID_FIELD = '"inferenceId":"';

export interface LiveLine {
  /** The capture line (JSON text). */
  value: string;
  /** Its inferenceId, the natural message key. */
  key: string;
}

export class LiveCaptureLineGenerator {
  private readonly plain: CaptureLineGenerator;
  private readonly drifted: CaptureLineGenerator;

  /** Lines of seed `seed`; drifted lines multiply input `feature` by `factor`. */
  constructor(seed: number, drift: { feature: string; factor: number }, poolSize = 20_011) {
    // startMs/perSecond only shape the time text, which next() replaces
    this.plain = new CaptureLineGenerator(seed, 0, 1, poolSize);
    this.drifted = new CaptureLineGenerator(seed, 0, 1, poolSize, { fromIndex: 0, feature: drift.feature, factor: drift.factor });
  }

  /** Index of the next record. */
  get index(): number {
    return this.plain.index;
  }

  /** The next record, with event time `timeMs` (epoch ms), from the drifted rows when `drifted`. */
  next(timeMs: number, drifted: boolean): LiveLine {
    const a = this.plain.next();
    const b = this.drifted.next();
    return withTime(drifted ? b : a, timeMs);
  }
}

/** Replace a capture line's inferenceTime with `timeMs` (ISO-8601, milliseconds, Z). */
export function withTime(line: string, timeMs: number): LiveLine {
  const t = line.lastIndexOf(TIME_FIELD) + TIME_FIELD.length;
  const tEnd = line.indexOf('"', t);
  const i = line.indexOf(ID_FIELD) + ID_FIELD.length;
  const key = line.slice(i, line.indexOf('"', i));
  return { value: line.slice(0, t) + new Date(timeMs).toISOString() + line.slice(tEnd), key };
}

/** The inferenceId of a capture line (the message key the producers use). */
export function inferenceIdOf(line: string): string {
  const i = line.indexOf(ID_FIELD) + ID_FIELD.length;
  return line.slice(i, line.indexOf('"', i));
}
