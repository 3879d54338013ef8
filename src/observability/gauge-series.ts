/**
 * The gauge series a process set, grouped by a scope of the caller's (a window size, a window size
 * and state), so a scaled-out member can drop them as a whole when another member reported a
 * newer window (docs/scale-out.md): Prometheus then sees one series per monitor and feature, the
 * newest window's, whichever member reported it.
 */
import type { GaugeMetric } from './metric-shapes.js';

export class GaugeSeries {
  private readonly series = new Map<string, Array<{ gauge: GaugeMetric; values: string[] }>>();
  private current: string | undefined;

  /** `gauge` with these label values, set under `scope`. */
  at(scope: string, gauge: GaugeMetric, values: string[]): { set(value: number): void } {
    let list = this.series.get(scope);
    if (list === undefined) this.series.set(scope, (list = []));
    list.push({ gauge, values });
    return gauge.labels(...values);
  }

  /** Forget what was set under `scope` (it is about to be set again). */
  begin(scope: string): void {
    this.series.delete(scope);
  }

  /** Drop every series set under `scope`. */
  retract(scope: string): void {
    for (const { gauge, values } of this.series.get(scope) ?? []) gauge.remove(...values);
    this.series.delete(scope);
  }

  /**
   * Run `fn` with every `labels(...)` of a gauge from `recording()` counted under `scope` (`fresh`:
   * forget what was counted there before: it is being set again).
   */
  within<T>(scope: string, fn: () => T, fresh = true): T {
    if (fresh) this.begin(scope);
    this.current = scope;
    try {
      return fn();
    } finally {
      this.current = undefined;
    }
  }

  /**
   * `metrics` with each gauge (anything with labels, set and remove) recording the series it sets
   * while `within` runs; counters, histograms and everything else pass through.
   */
  recording<T extends object>(metrics: T): T {
    const out = { ...metrics } as Record<string, unknown>;
    for (const [name, m] of Object.entries(metrics)) {
      if (!isGauge(m)) continue;
      out[name] = {
        set: ((...a: unknown[]) => (m.set as (...x: unknown[]) => void).apply(m, a)) as GaugeMetric['set'],
        remove: (...values: string[]) => m.remove(...values),
        labels: (...values: string[]) => (this.current === undefined ? m.labels(...values) : this.at(this.current, m, values)),
      } satisfies GaugeMetric;
    }
    return out as T;
  }
}

function isGauge(m: unknown): m is GaugeMetric {
  const g = m as Partial<GaugeMetric> | null;
  // prom-client's Gauge also has inc and dec; a Counter has no set, a Histogram no set either
  return typeof g === 'object' && g !== null && typeof g.labels === 'function' && typeof g.set === 'function' && typeof g.remove === 'function';
}
