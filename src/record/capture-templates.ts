/**
 * Learned capture-line templates: the fast path's first step.
 *
 * Capture lines of one endpoint differ only in their variable strings (each index's data,
 * eventId, inferenceId, inferenceTime). The shape of a fully scanned line — its text with those
 * strings cut out — is compiled into one anchored regular expression: the constant text
 * literally, each variable as JSON string content (no quote, backslash or control character; for
 * a data string learned with escapes, valid escapes too; captured only in a template with such a
 * string, the one case that reads the groups). One native call
 * then checks a whole later line exactly (it matches only if the line is valid JSON of the same
 * structure), and the variables' spans go into CaptureLineSpans. Encodings and content types are
 * constants of the template.
 *
 * Locating the variables: when no group admits escapes (the common case) a variable holds no
 * quote and the constant text after it starts with its closing quote, so it ends at the first
 * quote after its start: `test` plus one `indexOf` per variable but the last (which ends where the
 * anchored tail starts), with no match array and no capture substrings. Otherwise `exec` and the
 * group lengths locate them.
 *
 * Our own because no library does this, and a regular expression rather than a hand-written
 * matcher because `startsWith`, `indexOf` or `===` on a slice per constant segment, `indexOf`
 * per variable and a control-character loop over ids measured 10–100 % slower on Node 20:
 * irregexp checks the ~300 constant characters in native code. (Measured again: `startsWith`
 * per constant plus one /[\\\x00-\x1f]/ test of the whole line took 1.85× the decode time; the
 * template's regex alone is ~170 ns on a 420-character line, the control-character test ~300 ns.)
 */
import type { CaptureLineSpans } from './capture-line-spans.js';
import { Encoding } from './payload.js';

/** Variable codes in a template other than data (0..n-1: the data of capture index k). */
const VAR_EVENT_ID = -1;
const VAR_INFERENCE_ID = -2;
const VAR_TIME = -3;

/** JSON string content without escapes, and with valid escapes (regex source). */
const PLAIN_STRING = '([^"\\\\\\x00-\\x1f]*)';
const ESCAPED_STRING = '((?:[^"\\\\\\x00-\\x1f]|\\\\["\\\\/bfnrt]|\\\\u[0-9a-fA-F]{4})*)';
/** PLAIN_STRING without the capture, for a template without escape groups (`test` needs no captures). */
const PLAIN_STRING_UNCAPTURED = '[^"\\\\\\x00-\\x1f]*';

const MAX_TEMPLATES = 4;
/** Longest template regex source (the envelope's constant text is a few hundred characters). */
const MAX_TEMPLATE_SOURCE = 16_384;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** One learned envelope shape. */
export interface CaptureTemplate {
  readonly pattern: RegExp;
  /** Length of the constant text before each variable. */
  readonly constantLengths: Int32Array;
  /** Length of the constant text after the last variable (anchored at the line's end). */
  readonly tailLength: number;
  /** Variable codes, in line order. */
  readonly variables: Int32Array;
  /** Per variable: its group admits escapes. */
  readonly admitsEscapes: Uint8Array;
  /** No group admits escapes: variables are located by their closing quotes. */
  readonly noEscapes: boolean;
  /** Per capture index. */
  readonly encodings: readonly Encoding[];
  readonly contentTypes: readonly (string | undefined)[];
  /** Every index is CSV and no group admits escapes: rows come straight from the line (CaptureRowAssembler.assembleCsvInPlace). */
  readonly csvInPlace: boolean;
}

export class CaptureTemplates {
  private readonly spans: CaptureLineSpans;
  /** Most recently matched first. */
  private readonly templates: CaptureTemplate[] = [];
  /** Full scans since a template last matched (learning backs off exponentially). */
  private scansSinceHit = 0;

  constructor(spans: CaptureLineSpans) {
    this.spans = spans;
  }

  /** The first template matching the line (moved to the front), with the line's spans set; undefined if none matches. */
  match(line: string): CaptureTemplate | undefined {
    const ts = this.templates;
    // ids a template does not hold are absent
    this.spans.eventIdStart = this.spans.inferenceIdStart = -1;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i] as CaptureTemplate;
      let ok: boolean;
      try {
        ok = t.noEscapes ? this.matchPlain(t, line) : this.matchEscaped(t, line);
      } catch {
        // a huge line can exhaust the regex engine's backtrack stack (RangeError): scan it instead
        ok = false;
      }
      if (!ok) continue;
      if (i !== 0) {
        ts.splice(i, 1);
        ts.unshift(t);
      }
      this.scansSinceHit = 0;
      return t;
    }
    return undefined;
  }

  /**
   * A line matched no template and was fully scanned (spans set; its encodings and content types
   * read): learn its shape — backing off while shapes never repeat, as a template costs a regex compile.
   */
  scanned(line: string, encodings: readonly Encoding[], contentTypes: readonly (string | undefined)[]): void {
    const n = ++this.scansSinceHit;
    if ((n & (n - 1)) === 0) this.learn(line, encodings, contentTypes);
  }

  private learn(line: string, encodings: readonly Encoding[], contentTypes: readonly (string | undefined)[]): void {
    const sp = this.spans;
    const spans: [number, number, number][] = [];
    for (let k = 0; k < sp.dataStart.length; k++) spans.push([sp.dataStart[k] as number, sp.dataEnd[k] as number, k]);
    if (sp.eventIdStart >= 0) spans.push([sp.eventIdStart, sp.eventIdEnd, VAR_EVENT_ID]);
    if (sp.inferenceIdStart >= 0) spans.push([sp.inferenceIdStart, sp.inferenceIdEnd, VAR_INFERENCE_ID]);
    spans.push([sp.timeStart, sp.timeEnd, VAR_TIME]);
    spans.sort((a, b) => a[0] - b[0]);
    const noEscapes = spans.every(([, , v]) => !(v >= 0 && sp.dataEscaped[v] === 1));
    let source = '^';
    const constantLengths: number[] = [];
    const escapes: number[] = [];
    let prev = 0;
    for (const [s, e, v] of spans) {
      source += escapeRegExp(line.slice(prev, s));
      constantLengths.push(s - prev);
      const esc = v >= 0 && sp.dataEscaped[v] === 1;
      source += esc ? ESCAPED_STRING : noEscapes ? PLAIN_STRING_UNCAPTURED : PLAIN_STRING;
      escapes.push(esc ? 1 : 0);
      prev = e;
    }
    source += `${escapeRegExp(line.slice(prev))}$`;
    if (source.length > MAX_TEMPLATE_SOURCE) return; // huge constant parts: not worth a template
    let pattern: RegExp;
    try {
      pattern = new RegExp(source);
    } catch {
      return;
    }
    const t: CaptureTemplate = {
      pattern,
      constantLengths: Int32Array.from(constantLengths),
      tailLength: line.length - prev,
      variables: Int32Array.from(spans, (x) => x[2]),
      admitsEscapes: Uint8Array.from(escapes),
      noEscapes,
      encodings: encodings.slice(),
      contentTypes: contentTypes.slice(),
      csvInPlace: noEscapes && encodings.every((e) => e === Encoding.CSV),
    };
    this.templates.unshift(t);
    if (this.templates.length > MAX_TEMPLATES) this.templates.pop();
  }

  /** A template without escape groups: `test`, then each variable ends at its closing quote. */
  private matchPlain(t: CaptureTemplate, line: string): boolean {
    if (!t.pattern.test(line)) return false;
    const lengths = t.constantLengths;
    const variables = t.variables;
    const last = lengths.length - 1;
    let p = 0;
    for (let j = 0; j < last; j++) {
      const s = p + (lengths[j] as number);
      p = line.indexOf('"', s);
      this.place(variables[j] as number, s, p, 0);
    }
    // the last one ends where the tail starts: the pattern anchors the tail at the line's end
    this.place(variables[last] as number, p + (lengths[last] as number), line.length - t.tailLength, 0);
    return true;
  }

  /** A template with escape groups: the group lengths locate the variables. */
  private matchEscaped(t: CaptureTemplate, line: string): boolean {
    const m = t.pattern.exec(line);
    if (m === null) return false;
    const lengths = t.constantLengths;
    const variables = t.variables;
    let p = 0;
    for (let j = 0; j < lengths.length; j++) {
      const s = p + (lengths[j] as number);
      p = s + (m[j + 1] as string).length;
      let escaped = 0;
      if (t.admitsEscapes[j] === 1) {
        const b = line.indexOf('\\', s);
        escaped = b >= 0 && b < p ? 1 : 0;
      }
      this.place(variables[j] as number, s, p, escaped);
    }
    return true;
  }

  /** Variable `v` of the matched line is line[s, e). */
  private place(v: number, s: number, e: number, escaped: number): void {
    const spans = this.spans;
    if (v >= 0) {
      spans.dataStart[v] = s;
      spans.dataEnd[v] = e;
      spans.dataEscaped[v] = escaped;
    } else if (v === VAR_EVENT_ID) {
      spans.eventIdStart = s;
      spans.eventIdEnd = e;
    } else if (v === VAR_INFERENCE_ID) {
      spans.inferenceIdStart = s;
      spans.inferenceIdEnd = e;
    } else {
      spans.timeStart = s;
      spans.timeEnd = e;
    }
  }
}
