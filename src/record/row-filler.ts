/**
 * Writes decoded values into the one reusable FeatureRow: slot resolution (declared names,
 * positional `_cN` names, JSON keys) and Deequ classification. Shared by both decoders.
 *
 * Positional naming: the analysed row is the first side's columns then the second side's
 * (outputs first unless outputsPosition is `end`). Column j of a side is the side's j-th declared
 * name if there is one, else `_c{base + j}` where base is 0 for the first side and, for the second
 * side, the number of columns the first side had in this row (CSV fields, JSON array length,
 * object key count, 1 for a scalar; the declared count when that side is not captured) — or the
 * baseline's feature at that position, when column-naming.ts decided so.
 */
import type { PositionalNames } from './column-naming.js';
import { classifyJson, createJsonClassification, createScanResult, isBooleanText, nonFiniteLiteral, scanNumber } from './classify.js';
import type { FeatureRegistry, FeatureSpec } from './feature-registry.js';
import { isJsonObject, type JsonObject, type JsonValue } from './json-text.js';
import { ValueKind, createRow, ensureRowCapacity, type FeatureRow } from './row.js';
import { Side, type ResolvedFeaturePath, type ResolvedSchema } from './schema.js';

/** fill* results below zero. */
const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

export const FillStatus = {
  /** The registry is full: reject the record with TOO_MANY_FEATURES. */
  TOO_MANY_FEATURES: -1,
  /** In-place (raw JSON string) text held a control character: the line is not valid JSON. */
  INVALID_RAW: -2,
  /**
   * An unnamed column met before the naming was decided (column-naming.ts): count the row's
   * columns, decide, fill the row again. Happens once per decoder.
   */
  NAMES_PENDING: -3,
} as const;

/** Resolve a dotted path inside a JSON value (numeric segments index arrays). */
export function resolvePath(v: JsonValue | undefined, segments: readonly string[]): JsonValue | undefined {
  let cur = v;
  for (const seg of segments) {
    if (Array.isArray(cur)) {
      const i = arrayIndex(seg);
      if (i < 0 || i >= cur.length) return undefined;
      cur = cur[i];
    } else if (isJsonObject(cur)) {
      if (!Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
      cur = cur[seg];
    } else {
      return undefined;
    }
  }
  return cur;
}

/** Whether text[p, p + t.length) is t. */
function sameText(t: string, text: string, p: number): boolean {
  for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) !== text.charCodeAt(p + i)) return false;
  return true;
}

function arrayIndex(seg: string): number {
  if (seg.length === 0 || seg.length > 9) return -1;
  let n = 0;
  for (let i = 0; i < seg.length; i++) {
    const d = seg.charCodeAt(i) - 48;
    if (d < 0 || d > 9 || (i === 0 && d === 0 && seg.length > 1)) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Per side: slot and keepText flag of each CSV column for one positional base. */
interface ColumnCache {
  base: number;
  version: number;
  n: number;
  slots: Int32Array;
  keep: Uint8Array;
  /** Some keep[j] is 1 (the fast path then checks keep[] per column). */
  anyKeep: boolean;
  /**
   * Texts met in column j, direct-mapped: entry j * TEXT_WAYS + textHash(...) ('' = none), and
   * their kinds (STRING or BOOLEAN). A text's kind depends on its characters only, so entries
   * stay valid whatever slot the column maps to.
   */
  texts: string[];
  textKinds: Uint8Array;
}

/** Entries per column of ColumnCache.texts (a power of two). */
const TEXT_WAYS = 32;
/** Longest text kept there: categoricals are short, and long free text would only hold memory. */
const MAX_CACHED_TEXT = 64;

function columnCache(): ColumnCache {
  return {
    base: -1,
    version: -1,
    n: 0,
    slots: new Int32Array(32),
    keep: new Uint8Array(32),
    anyKeep: false,
    texts: new Array<string>(32 * TEXT_WAYS).fill(''),
    textKinds: new Uint8Array(32 * TEXT_WAYS),
  };
}

/** Where a field of `length` characters, first `first`, last `last`, goes among its column's TEXT_WAYS entries. */
function textHash(first: number, last: number, length: number): number {
  return (first * 5 + last * 3 + length) & (TEXT_WAYS - 1);
}

export class RowFiller {
  readonly row: FeatureRow;
  private readonly features: readonly FeatureSpec[];
  private readonly inputSlots: Int32Array;
  private readonly outputSlots: Int32Array;
  /** `_cK` → slot, -1 unknown. */
  private posCache = new Int32Array(64).fill(-1);
  private readonly scan = createScanResult();
  private readonly jc = createJsonClassification();
  private readonly inCols = columnCache();
  private readonly outCols = columnCache();
  /** Slots whose strings[] entry was set in the current row. */
  private dirty = new Int32Array(64);
  private nDirty = 0;

  constructor(
    private readonly registry: FeatureRegistry,
    private readonly schema: ResolvedSchema,
    /** How unnamed columns are named (`_cN`, or the baseline's features). */
    readonly names?: PositionalNames,
  ) {
    this.row = createRow(Math.max(8, registry.size));
    this.features = registry.features;
    this.inputSlots = schema.inputSlots;
    this.outputSlots = schema.outputSlots;
  }

  /**
   * Start a row: width = registry size, every slot MISSING. strings[] is cleared only where the
   * previous row set text (`dirty`); numeric values of features without keepText leave strings[]
   * alone (the row contract says strings[i] is meaningful only for text kinds and keepText).
   */
  begin(): void {
    const row = this.row;
    const n = this.registry.size;
    if (row.kinds.length < n) ensureRowCapacity(row, n);
    const kinds = row.kinds;
    // a loop: cheaper than the fill builtin's call for the usual few dozen slots
    if (n <= 64) for (let i = 0; i < n; i++) kinds[i] = ValueKind.MISSING;
    else kinds.fill(ValueKind.MISSING, 0, n);
    const nd = this.nDirty;
    if (nd !== 0) {
      const strings = row.strings;
      const dirty = this.dirty;
      for (let i = 0; i < nd; i++) strings[dirty[i] as number] = undefined;
      this.nDirty = 0;
    }
    row.width = n;
  }

  /** Set strings[slot] (and remember to clear it at the next begin()). */
  private setString(slot: number, text: string | undefined): void {
    if (text === undefined) return;
    this.row.strings[slot] = text;
    if (this.nDirty === this.dirty.length) {
      const grown = new Int32Array(this.dirty.length * 2);
      grown.set(this.dirty);
      this.dirty = grown;
    }
    this.dirty[this.nDirty++] = slot;
  }

  /** Finish a row (features registered while filling are part of it). */
  end(eventTimeMs: number, eventId: string | undefined, inferenceId: string | undefined): FeatureRow {
    const row = this.row;
    row.width = this.registry.size;
    row.eventTimeMs = eventTimeMs;
    row.eventId = eventId;
    row.inferenceId = inferenceId;
    return row;
  }

  declaredCount(side: Side): number {
    return side === Side.OUTPUT ? this.outputSlots.length : this.inputSlots.length;
  }

  /** Slot of column j of `side` (see module comment); a FillStatus (< 0) when it has none yet. */
  positional(side: Side, j: number, base: number): number {
    const decl = side === Side.OUTPUT ? this.outputSlots : this.inputSlots;
    if (j < decl.length) return decl[j] as number;
    const k = base + j;
    const cache = this.posCache;
    if (k < cache.length) {
      const s = cache[k] as number;
      if (s >= 0) return s;
    }
    return this.registerPositional(k, side);
  }

  private registerPositional(k: number, side: Side): number {
    const names = this.names;
    if (names?.pending) return FillStatus.NAMES_PENDING;
    const slot = this.registry.indexOf(names === undefined ? `_c${k}` : names.name(k), side === Side.OUTPUT);
    if (slot < 0) return FillStatus.TOO_MANY_FEATURES;
    if (k >= this.posCache.length) {
      let n = this.posCache.length * 2;
      while (n <= k) n *= 2;
      const grown = new Int32Array(n).fill(-1);
      grown.set(this.posCache);
      this.posCache = grown;
    }
    this.posCache[k] = slot;
    if (slot >= this.row.kinds.length) ensureRowCapacity(this.row, this.registry.size);
    return slot;
  }

  /** Slot of a named feature (JSON key); registers undeclared names; -1 when full. */
  named(name: string, side: Side): number {
    const slot = this.registry.indexOf(name, side === Side.OUTPUT);
    if (slot >= this.row.kinds.length) ensureRowCapacity(this.row, this.registry.size);
    return slot;
  }

  putMissing(slot: number): void {
    this.row.kinds[slot] = ValueKind.MISSING;
  }

  putText(slot: number, kind: ValueKind, text: string): void {
    this.row.kinds[slot] = kind;
    this.setString(slot, text);
  }

  /**
   * Parse one CSV record text[a, b) (no row separator inside, except within quoted fields) into
   * side's columns. `raw`: the text is a JSON string's raw content without escapes, in place in
   * the capture line; then a control character means the line is not valid JSON (INVALID_RAW).
   * Returns the number of columns, or a FillStatus.
   */
  fillCsvRow(text: string, a: number, b: number, raw: boolean, side: Side, base: number): number {
    const cols = side === Side.OUTPUT ? this.outCols : this.inCols;
    if (cols.base !== base || cols.version !== this.registry.keepTextVersion) {
      cols.base = base;
      cols.version = this.registry.keepTextVersion;
      cols.n = 0;
      cols.anyKeep = false;
    }
    const row = this.row;
    let kinds = row.kinds;
    let numbers = row.numbers;
    // the column cache in locals (refreshed when a column is added)
    let slots = cols.slots;
    let known = cols.n;
    let keep = cols.anyKeep ? cols.keep : undefined;
    let p = a;
    let j = 0;
    for (;;) {
      let slot: number;
      if (j < known) {
        slot = slots[j] as number;
      } else {
        slot = this.extendColumns(cols, side, j, base);
        if (slot < 0) return slot;
        kinds = row.kinds;
        numbers = row.numbers;
        slots = cols.slots;
        known = cols.n;
        keep = cols.anyKeep ? cols.keep : undefined;
      }
      // Common case inline: `-?\d+(\.\d+)?` with at most 15 digits, ending the field. Exact: the
      // digits form an integer below 2^53 and 10^f (f ≤ 15) is exact, so one division rounds
      // correctly, and negation is exact — the same double as Number(text) ("-0" is -0 in both).
      // The digit loops need no bounds check: the character at b is never a digit ('"' in place,
      // '\n' / '\r' / end of text otherwise), and q > b is checked after them anyway.
      let q = p;
      let c = text.charCodeAt(q);
      const negative = c === 45;
      if (negative) c = text.charCodeAt(++q);
      const d0 = q;
      let m = 0;
      let d = c - 48;
      while (d >= 0 && d <= 9) {
        m = m * 10 + d;
        d = text.charCodeAt(++q) - 48;
      }
      c = d + 48;
      if (q !== d0) {
        let fd = 0;
        let ok: boolean;
        if (c === 46) {
          const f0 = ++q;
          d = text.charCodeAt(q) - 48;
          while (d >= 0 && d <= 9) {
            m = m * 10 + d;
            d = text.charCodeAt(++q) - 48;
          }
          c = d + 48;
          fd = q - f0;
          ok = fd !== 0 && q - d0 <= 16; // "1." is no number here; at most 15 digits besides the '.'
        } else {
          ok = q - d0 <= 15;
        }
        if (ok && (q === b || (c === 44 && q < b))) {
          const x = fd === 0 ? m : m / (POW10[fd] as number);
          kinds[slot] = fd === 0 ? ValueKind.INTEGRAL : ValueKind.FRACTIONAL;
          numbers[slot] = negative ? -x : x;
          if (keep !== undefined && keep[j] === 1) this.setString(slot, text.slice(p, q));
          j++;
          if (q === b) return j;
          p = q + 1;
          continue;
        }
      }
      // a text this column held before (categoricals repeat): compared in place, no new string
      q = p;
      c = text.charCodeAt(p);
      while (q < b && text.charCodeAt(q) !== 44) q++;
      const length = q - p;
      const h = length === 0 ? -1 : j * TEXT_WAYS + textHash(c, text.charCodeAt(q - 1), length);
      const seen = h < 0 ? '' : (cols.texts[h] as string);
      if (seen.length === length && length !== 0 && sameText(seen, text, p)) {
        kinds[slot] = cols.textKinds[h] as number;
        this.setString(slot, seen);
        p = q;
      } else {
        p = this.csvField(text, p, b, raw, slot);
        if (p < 0) return p;
        kinds = row.kinds;
        if (p === q && h >= 0 && c !== 34) this.rememberText(cols, h, slot);
      }
      j++;
      if (p >= b) return j;
      p++; // the ','
    }
  }

  /** After csvField read an unquoted field into slot: keep it as its column's entry h, if a text. */
  private rememberText(cols: ColumnCache, h: number, slot: number): void {
    const kind = this.row.kinds[slot] as number;
    if (kind !== ValueKind.STRING && kind !== ValueKind.BOOLEAN) return;
    const t = this.row.strings[slot] as string;
    if (t.length > MAX_CACHED_TEXT) return;
    // kept only without control characters: a hit skips csvField's check of raw text for them
    for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) < 32) return;
    cols.texts[h] = t;
    cols.textKinds[h] = kind;
  }

  /** Column j's slot into the side's cache (registering `_cN` names); a FillStatus when it has none. */
  private extendColumns(cols: ColumnCache, side: Side, j: number, base: number): number {
    const slot = this.positional(side, j, base);
    if (slot < 0) return slot;
    if (j >= cols.slots.length) {
      const slots = new Int32Array(cols.slots.length * 2);
      slots.set(cols.slots);
      cols.slots = slots;
      const keep = new Uint8Array(cols.keep.length * 2);
      keep.set(cols.keep);
      cols.keep = keep;
      const textKinds = new Uint8Array(cols.textKinds.length * 2);
      textKinds.set(cols.textKinds);
      cols.textKinds = textKinds;
      for (let i = cols.texts.length, n = textKinds.length; i < n; i++) cols.texts.push('');
    }
    if (j === cols.n) {
      cols.slots[j] = slot;
      const keep = (this.features[slot] as FeatureSpec).keepText;
      cols.keep[j] = keep ? 1 : 0;
      if (keep) cols.anyKeep = true;
      cols.n = j + 1;
    }
    return slot;
  }

  /** Any field but a plain decimal: returns the field's end, or FillStatus.INVALID_RAW. */
  private csvField(text: string, p: number, b: number, raw: boolean, slot: number): number {
    if (p < b && text.charCodeAt(p) === 34 && !raw) return this.quotedField(text, p, b, slot);
    const scan = this.scan;
    const kind = scanNumber(text, p, b, scan);
    let q = scan.pos;
    const row = this.row;
    if (kind !== ValueKind.STRING && (q === b || text.charCodeAt(q) === 44)) {
      row.kinds[slot] = kind;
      row.numbers[slot] = scan.value;
      if ((this.features[slot] as FeatureSpec).keepText) this.setString(slot, text.slice(p, q));
      return q;
    }
    q = p;
    while (q < b) {
      const ch = text.charCodeAt(q);
      if (ch === 44) break;
      if (ch < 32 && raw) return FillStatus.INVALID_RAW;
      q++;
    }
    if (q === p) this.putMissing(slot);
    else if (nonFiniteLiteral(text, p, q) === 0) this.putText(slot, isBooleanText(text, p, q) ? ValueKind.BOOLEAN : ValueKind.STRING, text.slice(p, q));
    else this.putNonFinite(slot, text, p, q);
    return q;
  }

  /** "inf", "NaN", … (nonFiniteLiteral): a non-finite number, as classifyText reads it. Rare: kept out of csvField. */
  private putNonFinite(slot: number, text: string, p: number, q: number): void {
    const row = this.row;
    row.kinds[slot] = ValueKind.FRACTIONAL;
    row.numbers[slot] = nonFiniteLiteral(text, p, q);
    if ((this.features[slot] as FeatureSpec).keepText) this.setString(slot, text.slice(p, q));
  }

  /** A field starting with '"' at p: RFC 4180 quoting ("" inside = one quote). Returns its end. */
  private quotedField(text: string, p: number, b: number, slot: number): number {
    let value = '';
    let seg = p + 1;
    let q = seg;
    for (;;) {
      if (q >= b) {
        value += text.slice(seg, b); // unterminated: take the rest
        q = b;
        break;
      }
      if (text.charCodeAt(q) === 34) {
        if (q + 1 < b && text.charCodeAt(q + 1) === 34) {
          value += text.slice(seg, q + 1);
          q += 2;
          seg = q;
          continue;
        }
        value += text.slice(seg, q);
        q++;
        // lenient: characters between the closing quote and the next ',' are appended
        let r = q;
        while (r < b && text.charCodeAt(r) !== 44) r++;
        if (r > q) value += text.slice(q, r);
        q = r;
        break;
      }
      q++;
    }
    this.putJsonValue(slot, value);
    return q;
  }

  /** Write a JSON value (or a CSV field's unquoted text) into slot, classified. */
  putJsonValue(slot: number, v: unknown): void {
    const jc = this.jc;
    const kind = classifyJson(v, jc, this.scan);
    const row = this.row;
    row.kinds[slot] = kind;
    if (kind === ValueKind.INTEGRAL || kind === ValueKind.FRACTIONAL) {
      row.numbers[slot] = jc.value;
      if ((this.features[slot] as FeatureSpec).keepText) this.setString(slot, jc.text ?? String(jc.value));
    } else if (kind !== ValueKind.MISSING) {
      this.setString(slot, jc.text);
    }
  }

  /**
   * One JSON instance into side's columns: an array → positional columns, an object → one
   * feature per key (plus featurePaths), anything else → a single column. Returns the column
   * count or a FillStatus.
   */
  fillJsonItem(item: JsonValue, side: Side, base: number): number {
    if (Array.isArray(item)) {
      for (let j = 0; j < item.length; j++) {
        const slot = this.positional(side, j, base);
        if (slot < 0) return slot;
        this.putJsonValue(slot, item[j]);
      }
      return item.length;
    }
    if (isJsonObject(item)) {
      const s = this.schema;
      const out = side === Side.OUTPUT;
      return this.fillObject(
        item,
        side,
        out ? s.outputPathRoots : s.inputPathRoots,
        out ? s.outputFeaturePaths : s.inputFeaturePaths,
        undefined,
        undefined,
      );
    }
    const slot = this.positional(side, 0, base);
    if (slot < 0) return slot;
    this.putJsonValue(slot, item);
    return 1;
  }

  /**
   * An object's keys as named features (keys starting a featurePath, and `skipA`/`skipB`, are
   * skipped), then the featurePaths. Returns the key count or a FillStatus.
   */
  fillObject(
    obj: JsonObject,
    side: Side,
    pathRoots: ReadonlySet<string>,
    paths: readonly ResolvedFeaturePath[],
    skipA: string | undefined,
    skipB: string | undefined,
  ): number {
    let count = 0;
    const checkRoots = pathRoots.size !== 0;
    for (const key in obj) {
      if (key === skipA || key === skipB) continue;
      count++;
      if (checkRoots && pathRoots.has(key)) continue;
      const slot = this.named(key, side);
      if (slot < 0) return FillStatus.TOO_MANY_FEATURES;
      this.putJsonValue(slot, obj[key]);
    }
    for (const fp of paths) {
      const v = resolvePath(obj, fp.segments);
      if (v !== undefined) this.putJsonValue(fp.slot, v);
    }
    return count;
  }
}
