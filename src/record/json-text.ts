/**
 * A strict JSON parser (RFC 8259, same acceptance as JSON.parse) for payloads and flat records,
 * written because JSON.parse forgets how numbers were written: Deequ classifies "3" as Integral
 * and "3.0" as Fractional, and SageMaker analyses the text. Number literals become plain numbers
 * when their Deequ kind follows from the value (INTEGRAL iff Number.isInteger), otherwise a
 * JsonNumber carrying kind and literal (integer values written with '.'/exponent, or integer
 * literals too large to be finite). Objects are plain objects (a "__proto__" key becomes an own
 * property, as with JSON.parse); duplicate keys: the last wins.
 */
import { JsonNumber, createScanResult, scanNumber } from './classify.js';
import { ValueKind } from './row.js';

export type JsonValue = null | boolean | number | string | JsonNumber | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Nesting deeper than this is rejected (keeps the recursive parser off the stack limit). */
export const MAX_JSON_DEPTH = 256;

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber);
}

class Parser {
  text = '';
  pos = 0;
  end = 0;
  failed = false;
  private readonly scan = createScanResult();

  fail(): null {
    this.failed = true;
    return null;
  }

  ws(): number {
    const t = this.text;
    let p = this.pos;
    const end = this.end;
    while (p < end) {
      const c = t.charCodeAt(p);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
      p++;
    }
    this.pos = p;
    return p < end ? t.charCodeAt(p) : -1;
  }

  value(depth: number): JsonValue {
    const c = this.ws();
    switch (c) {
      case 34:
        return this.string();
      case 123:
        return depth >= MAX_JSON_DEPTH ? this.fail() : this.object(depth + 1);
      case 91:
        return depth >= MAX_JSON_DEPTH ? this.fail() : this.array(depth + 1);
      case 116:
        return this.literal('true', true);
      case 102:
        return this.literal('false', false);
      case 110:
        return this.literal('null', null);
      default:
        if (c === 45 || (c >= 48 && c <= 57)) return this.number();
        return this.fail();
    }
  }

  literal<T extends JsonValue>(word: string, v: T): T | null {
    if (this.end - this.pos < word.length || !this.text.startsWith(word, this.pos)) return this.fail();
    this.pos += word.length;
    return v;
  }

  number(): JsonValue {
    const t = this.text;
    const start = this.pos;
    let p = start;
    if (t.charCodeAt(p) === 45) p++;
    const c = p < this.end ? t.charCodeAt(p) : -1;
    if (c < 48 || c > 57) return this.fail();
    // JSON forbids leading zeros ("01") — scanNumber would accept them
    if (c === 48 && p + 1 < this.end) {
      const n = t.charCodeAt(p + 1);
      if (n >= 48 && n <= 57) return this.fail();
    }
    const kind = scanNumber(t, start, this.end, this.scan);
    const stop = this.scan.pos;
    // JSON also forbids "1." and "1e" — scanNumber leaves them unconsumed; the next token check
    // (',' ']' '}' or whitespace) in the caller rejects the leftover character.
    this.pos = stop;
    const v = this.scan.value;
    if ((kind === ValueKind.INTEGRAL) === Number.isInteger(v)) return v;
    return new JsonNumber(v, kind, t.slice(start, stop));
  }

  string(): string | null {
    const t = this.text;
    const end = this.end;
    let p = this.pos + 1;
    const start = p;
    for (; p < end; p++) {
      const c = t.charCodeAt(p);
      if (c === 34) {
        this.pos = p + 1;
        return t.slice(start, p);
      }
      if (c === 92) break;
      if (c < 32) return this.fail();
    }
    if (p >= end) return this.fail();
    // escapes: build the string piecewise
    let out = t.slice(start, p);
    let seg = p;
    while (p < end) {
      const c = t.charCodeAt(p);
      if (c === 34) {
        this.pos = p + 1;
        return out + t.slice(seg, p);
      }
      if (c < 32) return this.fail();
      if (c !== 92) {
        p++;
        continue;
      }
      out += t.slice(seg, p);
      if (p + 1 >= end) return this.fail();
      const e = t.charCodeAt(p + 1);
      switch (e) {
        case 34:
          out += '"';
          break;
        case 92:
          out += '\\';
          break;
        case 47:
          out += '/';
          break;
        case 98:
          out += '\b';
          break;
        case 102:
          out += '\f';
          break;
        case 110:
          out += '\n';
          break;
        case 114:
          out += '\r';
          break;
        case 116:
          out += '\t';
          break;
        case 117: {
          if (p + 6 > end) return this.fail();
          const code = hex4(t, p + 2);
          if (code < 0) return this.fail();
          out += String.fromCharCode(code);
          p += 4;
          break;
        }
        default:
          return this.fail();
      }
      p += 2;
      seg = p;
    }
    return this.fail();
  }

  array(depth: number): JsonValue {
    this.pos++;
    const out: JsonValue[] = [];
    let c = this.ws();
    if (c === 93) {
      this.pos++;
      return out;
    }
    for (;;) {
      const v = this.value(depth);
      if (this.failed) return null;
      out.push(v);
      c = this.ws();
      if (c === 44) {
        this.pos++;
        continue;
      }
      if (c === 93) {
        this.pos++;
        return out;
      }
      return this.fail();
    }
  }

  object(depth: number): JsonValue {
    this.pos++;
    const out: JsonObject = {};
    let c = this.ws();
    if (c === 125) {
      this.pos++;
      return out;
    }
    for (;;) {
      if (c !== 34) return this.fail();
      const key = this.string();
      if (key === null) return null;
      if (this.ws() !== 58) return this.fail();
      this.pos++;
      const v = this.value(depth);
      if (this.failed) return null;
      if (key === '__proto__') {
        Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
      } else {
        out[key] = v;
      }
      c = this.ws();
      if (c === 44) {
        this.pos++;
        c = this.ws();
        continue;
      }
      if (c === 125) {
        this.pos++;
        return out;
      }
      return this.fail();
    }
  }
}

function hex4(t: string, p: number): number {
  let v = 0;
  for (let i = 0; i < 4; i++) {
    const c = t.charCodeAt(p + i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

const shared = new Parser();

/**
 * Parse text[start, end) as one JSON document. Returns `undefined` when it is not valid JSON
 * (JSON's own values never include undefined).
 */
export function parseJsonText(text: string, start = 0, end = text.length): JsonValue | undefined {
  const p = shared;
  p.text = text;
  p.pos = start;
  p.end = end;
  p.failed = false;
  const v = p.value(0);
  const failed = p.failed || p.ws() !== -1;
  p.text = '';
  return failed ? undefined : v;
}
