/**
 * Where, in one capture line, the strings the decoder needs are: the fast path's per-line state.
 *
 * The structural scanner (capture-line-scanner.ts) or a learned template (capture-templates.ts)
 * fills it; CaptureDecoder reads it. Offsets index the line; a string's span is its content
 * [start, end), end being its closing quote; start -1 means absent. Fields are typed arrays and
 * numbers set in the constructor, so the hot loops see one object shape.
 */
export class CaptureLineSpans {
  /** Per capture index (schema order): the `data` string. */
  readonly dataStart: Int32Array;
  readonly dataEnd: Int32Array;
  /** Per capture index: 1 when the data string holds an escape (then it must be JSON-decoded). */
  readonly dataEscaped: Uint8Array;
  /** Per capture index: `encoding` and `observedContentType` (only the scanner sets these: a template holds them as constants). */
  readonly encodingStart: Int32Array;
  readonly encodingEnd: Int32Array;
  readonly contentTypeStart: Int32Array;
  readonly contentTypeEnd: Int32Array;
  /** eventMetadata strings. */
  eventIdStart = -1;
  eventIdEnd = -1;
  inferenceIdStart = -1;
  inferenceIdEnd = -1;
  timeStart = -1;
  timeEnd = -1;

  constructor(indexCount: number) {
    this.dataStart = new Int32Array(indexCount);
    this.dataEnd = new Int32Array(indexCount);
    this.dataEscaped = new Uint8Array(indexCount);
    this.encodingStart = new Int32Array(indexCount);
    this.encodingEnd = new Int32Array(indexCount);
    this.contentTypeStart = new Int32Array(indexCount);
    this.contentTypeEnd = new Int32Array(indexCount);
  }
}
