/**
 * The shapes of the metrics components update: just the calls we make on prom-client's Counter,
 * Gauge and Histogram. Components depend on these shapes, not on the package, so a test can hand
 * them anything with the same calls and only metrics.ts knows prom-client.
 */

export type LabelValues<L extends string> = Partial<Record<L, string | number>>;

export interface CounterMetric<L extends string = string> {
  inc(value?: number): void;
  inc(labels: LabelValues<L>, value?: number): void;
  labels(...values: string[]): { inc(value?: number): void };
}

export interface GaugeMetric<L extends string = string> {
  set(value: number): void;
  set(labels: LabelValues<L>, value: number): void;
  labels(...values: string[]): { set(value: number): void };
  /** Drop the series with these label values (in labelNames order). */
  remove(...values: string[]): void;
}

export interface HistogramMetric<L extends string = string> {
  observe(value: number): void;
  observe(labels: LabelValues<L>, value: number): void;
  labels(...values: string[]): { observe(value: number): void };
}
