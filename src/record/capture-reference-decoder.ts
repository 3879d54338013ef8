/**
 * The reference path for a capture line: JSON.parse it and read the fields the decoder needs into
 * CaptureRecordParts (the caller assembles the rows, as for the fast path).
 *
 * Slow but plainly correct: it is the decoder's ground truth. The fast path hands it every line
 * it does not handle, so it alone decides rejection reasons, and the tests check that both paths
 * agree.
 */
import { RecordErrorReason } from '../errors.js';
import type { CaptureRecordParts } from './capture-row-assembler.js';
import { encodingCode } from './payload.js';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parse `line` into `parts` (capture indexes `indexNames`). A reason when the envelope is
 * unusable: not_json → missing_capture_data → missing_event_time / bad_event_time.
 */
export function parseCaptureRecord(line: string, indexNames: readonly string[], parts: CaptureRecordParts): RecordErrorReason | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    return RecordErrorReason.NOT_JSON;
  }
  if (!isPlainObject(doc)) return RecordErrorReason.NOT_JSON;
  const cd = doc['captureData'];
  for (let k = 0; k < indexNames.length; k++) {
    const entry = isPlainObject(cd) ? cd[indexNames[k] as string] : undefined;
    if (!isPlainObject(entry)) return RecordErrorReason.MISSING_CAPTURE_DATA;
    const data = entry['data'];
    if (data === undefined || data === null) return RecordErrorReason.MISSING_CAPTURE_DATA;
    parts.encoding[k] = encodingCode(entry['encoding']);
    const ct = entry['observedContentType'];
    parts.contentType[k] = typeof ct === 'string' ? ct : undefined;
    parts.dataText[k] = typeof data === 'string' ? data : undefined;
    parts.dataStart[k] = 0;
    parts.dataEnd[k] = typeof data === 'string' ? data.length : 0;
    parts.dataInLine[k] = false;
  }
  const md = doc['eventMetadata'];
  const meta = isPlainObject(md) ? md : undefined;
  const time = meta?.['inferenceTime'];
  if (time === undefined || time === null) return RecordErrorReason.MISSING_EVENT_TIME;
  if (typeof time !== 'string') return RecordErrorReason.BAD_EVENT_TIME;
  parts.timeText = time;
  parts.timeStart = 0;
  parts.timeEnd = time.length;
  const ev = meta?.['eventId'];
  const inf = meta?.['inferenceId'];
  parts.eventId = typeof ev === 'string' ? ev : undefined;
  parts.inferenceId = typeof inf === 'string' ? inf : undefined;
  return undefined;
}
