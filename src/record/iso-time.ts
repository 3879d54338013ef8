/**
 * ISO-8601 timestamps → epoch milliseconds by char-code scanning (no Date, no substring).
 *
 * Accepted: `YYYY-MM-DD`, optionally followed by `T` (or `t` or one space) and `HH:MM`, optional
 * `:SS`, optional fraction `.f…` / `,f…` (any number of digits; truncated to milliseconds), and an
 * optional zone `Z`/`z`, `±HH`, `±HHMM` or `±HH:MM`. A missing zone means UTC (SageMaker always
 * writes `Z`; being lenient here costs nothing and helps flat-JSON sources). Calendar ranges are
 * checked (month 1–12, day within the month incl. leap years, hour ≤ 23, minute ≤ 59, second ≤ 59;
 * no leap seconds). Anything else → NaN.
 */

const MS_PER_DAY = 86_400_000;

function digit(text: string, i: number): number {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

function two(text: string, i: number): number {
  const a = digit(text, i);
  const b = digit(text, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/** Days since 1970-01-01 of a proleptic-Gregorian civil date (month 1–12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Parse text[start, end) as ISO-8601 (see module comment); NaN when it is not one. */
export function parseIsoTimeMs(text: string, start: number, end: number): number {
  const n = end - start;
  if (n < 10) return NaN;
  let p = start;
  const y1 = two(text, p);
  const y2 = two(text, p + 2);
  if (y1 < 0 || y2 < 0 || text.charCodeAt(p + 4) !== 45 || text.charCodeAt(p + 7) !== 45) return NaN;
  const year = y1 * 100 + y2;
  const month = two(text, p + 5);
  const day = two(text, p + 8);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  p += 10;
  let ms = daysFromCivil(year, month, day) * MS_PER_DAY;
  if (p === end) return ms;
  const sep = text.charCodeAt(p);
  if (sep !== 84 /* T */ && sep !== 116 /* t */ && sep !== 32) return NaN;
  p++;
  if (end - p < 5) return NaN;
  const hour = two(text, p);
  const minute = two(text, p + 3);
  if (hour < 0 || hour > 23 || text.charCodeAt(p + 2) !== 58 || minute < 0 || minute > 59) return NaN;
  ms += hour * 3_600_000 + minute * 60_000;
  p += 5;
  if (p < end && text.charCodeAt(p) === 58 /* : */) {
    if (end - p < 3) return NaN;
    const second = two(text, p + 1);
    if (second < 0 || second > 59) return NaN;
    ms += second * 1000;
    p += 3;
    const c = p < end ? text.charCodeAt(p) : 0;
    if (c === 46 /* . */ || c === 44 /* , */) {
      p++;
      let digits = 0;
      let frac = 0;
      for (let d = p < end ? digit(text, p) : -1; d >= 0; d = p < end ? digit(text, p) : -1) {
        if (digits < 3) frac = frac * 10 + d;
        digits++;
        p++;
      }
      if (digits === 0) return NaN;
      for (let k = digits; k < 3; k++) frac *= 10;
      ms += frac;
    }
  }
  if (p === end) return ms;
  const z = text.charCodeAt(p);
  if (z === 90 /* Z */ || z === 122 /* z */) return p + 1 === end ? ms : NaN;
  if (z !== 43 && z !== 45) return NaN;
  const sign = z === 45 ? -1 : 1;
  p++;
  if (end - p < 2) return NaN;
  const oh = two(text, p);
  if (oh < 0 || oh > 23) return NaN;
  p += 2;
  let om = 0;
  if (p < end) {
    if (text.charCodeAt(p) === 58) p++;
    if (end - p < 2) return NaN;
    om = two(text, p);
    if (om < 0 || om > 59) return NaN;
    p += 2;
  }
  if (p !== end) return NaN;
  // local time = UTC + offset  ⇒  UTC = local − offset
  return ms - sign * (oh * 3_600_000 + om * 60_000);
}
