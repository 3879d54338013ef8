/**
 * JSON Lines: one JSON object per line (blank lines skipped), parsed with json-text.ts so number
 * literals keep Deequ's kind ("3" Integral, "3.0" Fractional). By default (`nested: 'json'`) a
 * nested value is one String feature holding its JSON text — what the live flat-JSON decoder
 * produces for nested values no featurePath extracts, so baseline and traffic agree on names.
 * With `nested: 'flatten'` nested objects become dotted names (`{"a":{"b":1}}` → `a.b`) and
 * arrays positional names (`{"v":[1,2]}` → `v.0`, `v.1`) with per-position statistics
 * (SageMaker itself only analyses flat records). A line that is not a JSON object is an error
 * (INPUT_UNREADABLE, bad lines listed).
 */
import { createInterface } from 'node:readline';
import { parseJsonText, isJsonObject, type JsonValue } from '../../record/json-text.js';
import { countingStream, type Progress } from './read-progress.js';
import { RecordProblems } from './record-problems.js';
import type { RowSink } from './row-sink.js';

/** Nested values of JSON Lines and Parquet: one String of their JSON text, or flattened (file comment). */
export type NestedOption = 'flatten' | 'json';

/** Read JSON Lines `input` into `sink`, one row per object line in file order. */
export async function readJsonLines(
  input: string,
  sink: RowSink,
  progress: Progress,
  nested: NestedOption,
): Promise<void> {
  const problems = new RecordProblems();
  const stream = countingStream(input, progress);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  // readline does not forward input errors to its iterator: close it and rethrow after the loop.
  let streamError: Error | undefined;
  stream.on('error', (e) => {
    streamError = e;
    lines.close();
  });
  let lineNo = 0;

  const leaf = (name: string, v: JsonValue): void => {
    if (nested === 'json') {
      sink.setJson(sink.slot(name), v); // objects and arrays classify as String (their JSON text)
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) leaf(`${name}.${i}`, v[i] as JsonValue);
    } else if (isJsonObject(v)) {
      for (const k of Object.keys(v)) leaf(`${name}.${k}`, v[k] as JsonValue);
    } else {
      sink.setJson(sink.slot(name), v);
    }
  };

  for await (const line of lines) {
    lineNo++;
    let start = 0;
    if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) start = 1;
    if (line.trim() === '') continue;
    const v = parseJsonText(line, start);
    if (v === undefined || !isJsonObject(v)) {
      problems.add(`line ${lineNo}: ${v === undefined ? 'not valid JSON' : 'not a JSON object'}`);
      continue;
    }
    sink.begin();
    for (const k of Object.keys(v)) leaf(k, v[k] as JsonValue);
    sink.emit();
  }
  if (streamError !== undefined) throw streamError;
  problems.throwIfAny(input, 'lines that are not JSON objects');
}
