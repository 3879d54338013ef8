/**
 * Realistic 20-feature SageMaker capture lines for benchmarks (~520 bytes each): one model output
 * and 19 inputs, CSV payloads, UUID eventIds, inferenceIds, second-precision inferenceTimes that
 * advance at a fixed rate. Built with a template for speed (the bench times the consumer, not this).
 */
import { rng, type Rng } from '../../test/support/random.js';

export const FEATURES: readonly string[] = ['score', ...Array.from({ length: 19 }, (_v, i) => `f${i + 1}`)];

export class CaptureLineGenerator {
  private readonly r: Rng;
  private i = 0;

  /** `perSecond` records share each second of event time, starting at `startMs`. */
  constructor(
    seed: number,
    private readonly startMs: number,
    private readonly perSecond: number,
  ) {
    this.r = rng(seed);
  }

  next(): string {
    const r = this.r;
    const t = this.startMs + Math.floor(this.i / this.perSecond) * 1000;
    const id = this.i++;
    const inputs: string[] = [];
    for (let f = 0; f < 19; f++) {
      // alternate integral and fractional columns with different scales
      if (f % 3 === 0) inputs.push(String(Math.round(50 + 15 * r.normal())));
      else if (f % 3 === 1) inputs.push((1000 + 250 * r.normal()).toFixed(3));
      else inputs.push(Math.exp(r.normal()).toFixed(4));
    }
    const score = (1 / (1 + Math.exp(-r.normal()))).toFixed(6);
    const hex = (n: number): string => {
      let s = '';
      for (let k = 0; k < n; k++) s += r.int(16).toString(16);
      return s;
    };
    const eventId = `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
    const time = new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return `{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"${inputs.join(',')}","encoding":"CSV"},"endpointOutput":{"observedContentType":"text/csv; charset=utf-8","mode":"OUTPUT","data":"${score}","encoding":"CSV"}},"eventMetadata":{"eventId":"${eventId}","inferenceId":"inf-${id}","inferenceTime":"${time}"},"eventVersion":"0"}`;
  }

  chunk(n: number): string[] {
    const out = new Array<string>(n);
    for (let k = 0; k < n; k++) out[k] = this.next();
    return out;
  }

  *lines(n: number): Iterable<string> {
    for (let k = 0; k < n; k++) yield this.next();
  }
}
