/**
 * Durations as users write them: short form (`500ms`, `10s`, `5m`, `1h`, `1d`, combinable: `1h30m`)
 * or ISO-8601 (`PT1H`, `P8D`, `PT0.5S`; SageMaker's offsets are written this way). Returns ms.
 */

const SHORT_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SHORT = /^(?:(\d+(?:\.\d+)?)(ms|s|m|h|d))+$/;
const SHORT_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
const ISO = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Parse a duration; undefined when the text is not a valid positive-or-zero duration. */
export function parseDurationMs(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (SHORT.test(t)) {
    let total = 0;
    for (const m of t.matchAll(SHORT_PART)) total += Number(m[1]) * (SHORT_UNITS[m[2] as string] as number);
    return Math.round(total);
  }
  const iso = ISO.exec(t);
  if (iso && t !== 'P' && !t.endsWith('T')) {
    const [, w, d, h, min, s] = iso;
    const n = (v: string | undefined): number => (v === undefined ? 0 : Number(v));
    return Math.round(n(w) * 604_800_000 + n(d) * 86_400_000 + n(h) * 3_600_000 + n(min) * 60_000 + n(s) * 1000);
  }
  return undefined;
}

/** Short, stable label for a duration, used in folder names and metric labels: 1h, 5m, 10s, 1d, 1500ms. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
