/**
 * A small JSON writer that reproduces the layout of the files SageMaker's analyzer container
 * writes. Why our own and not JSON.stringify: the container is a JVM (Spark + Deequ) program that
 * serialises with Jackson's DefaultPrettyPrinter, whose layout JSON.stringify cannot produce:
 *
 * - `"key" : value` (a space on both sides of the colon), objects indented by 2 spaces per level;
 * - arrays written inline: `[ 1.0, 2.0 ]`, `[ {` … `}, {` … `} ]`; arrays add no indentation level;
 * - empty containers as `{ }` and `[ ]`; no newline at the end of the document;
 * - numbers the JVM holds as `double` printed by Java's `Double.toString` (`0.0`, `231.0`,
 *   `2048.0`, `1.0E7`, `1.0E-4`), while `long` counts are printed as integers (`100`);
 * - NaN / ±Infinity written as the strings "NaN", "Infinity", "-Infinity" (Jackson's default
 *   WRITE_NAN_AS_STRINGS), control characters escaped with upper-case hex (`\u001F`).
 *
 * Writing the same bytes makes our statistics/constraints/violations files diff cleanly against
 * SageMaker's and keeps tools that compare files textually happy.
 *
 * Doubles use the shortest decimal that round-trips (what JavaScript and Java ≥ 19 both print);
 * older JVMs occasionally print one more digit for a few values, so byte equality with files
 * from an old container holds for the digits of typical values, value equality always.
 */
import { doublesArrayText } from './doubles-text.js';
import { javaDoubleToString } from './java-double.js';

/** A number the JVM holds as a double: always written with a decimal point or exponent. */
export class JsonDouble {
  constructor(readonly value: number) {}
}

/** Mark `x` as a double (see JsonDouble). */
export function dbl(x: number): JsonDouble {
  return new JsonDouble(x);
}

/**
 * An array of doubles, written as an array of JsonDouble would be. Why: a window's statistics.json
 * holds thousands of sketch items per feature; one node for the array spares an object, a type test
 * and a push per item.
 */
export class JsonDoubles {
  constructor(readonly values: ArrayLike<number>) {}
}

/** Mark every item of `xs` as a double (see JsonDoubles). */
export function dbls(xs: ArrayLike<number>): JsonDoubles {
  return new JsonDoubles(xs);
}

/**
 * The tree the writer accepts. Plain numbers are written as integers when they are integral
 * (Java `long`), otherwise as doubles. Object members whose value is `undefined` are skipped.
 */
export type JsonNode =
  | null
  | boolean
  | string
  | number
  | JsonDouble
  | JsonDoubles
  | readonly JsonNode[]
  | { readonly [key: string]: JsonNode | undefined };

const INDENT = '  ';

/** Serialise `node` exactly as Jackson's DefaultPrettyPrinter would. */
export function formatJackson(node: JsonNode): string {
  const out: string[] = [];
  writeNode(node, 0, out);
  return out.join('');
}

function writeNode(node: JsonNode, level: number, out: string[]): void {
  if (node === null) {
    out.push('null');
  } else if (typeof node === 'boolean') {
    out.push(node ? 'true' : 'false');
  } else if (typeof node === 'string') {
    out.push(quoteJson(node));
  } else if (typeof node === 'number') {
    out.push(Number.isSafeInteger(node) ? String(node) : doubleLiteral(node));
  } else if (node instanceof JsonDouble) {
    out.push(doubleLiteral(node.value));
  } else if (node instanceof JsonDoubles) {
    out.push(doublesArrayText(node.values));
  } else if (Array.isArray(node)) {
    const items = node as readonly JsonNode[];
    if (items.length === 0) {
      out.push('[ ]');
      return;
    }
    out.push('[ ');
    for (let i = 0; i < items.length; i++) {
      if (i > 0) out.push(', ');
      writeNode(items[i] as JsonNode, level, out);
    }
    out.push(' ]');
  } else {
    const obj = node as { readonly [key: string]: JsonNode | undefined };
    let n = 0;
    for (const key of Object.keys(obj)) {
      const value = obj[key];
      if (value === undefined) continue;
      out.push(n === 0 ? '{' : ',', '\n', INDENT.repeat(level + 1), quoteJson(key), ' : ');
      writeNode(value, level + 1, out);
      n++;
    }
    out.push(n === 0 ? '{ }' : `\n${INDENT.repeat(level)}}`);
  }
}

/** A double as a JSON token: Java's Double.toString, non-finite values as Jackson's strings. */
function doubleLiteral(x: number): string {
  if (Number.isNaN(x)) return '"NaN"';
  if (x === Infinity) return '"Infinity"';
  if (x === -Infinity) return '"-Infinity"';
  return javaDoubleToString(x);
}

const HEX = '0123456789ABCDEF';

/** A JSON string literal escaped the way Jackson does (short escapes, else upper-case \u00XX). */
export function quoteJson(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20) {
      switch (c) {
        case 0x08:
          esc = '\\b';
          break;
        case 0x09:
          esc = '\\t';
          break;
        case 0x0a:
          esc = '\\n';
          break;
        case 0x0c:
          esc = '\\f';
          break;
        case 0x0d:
          esc = '\\r';
          break;
        default:
          esc = `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
      }
    } else if (c === 0x22) {
      esc = '\\"';
    } else if (c === 0x5c) {
      esc = '\\\\';
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // Keep valid surrogate pairs; escape lone surrogates so the output stays valid UTF-8.
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      esc = `\\u${c.toString(16).toUpperCase()}`;
    }
    if (esc !== undefined) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return `${out}${s.slice(start)}"`;
}
