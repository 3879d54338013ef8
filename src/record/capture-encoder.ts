/**
 * Build real-shaped SageMaker capture lines (for tests, benchmarks and examples): the envelope is
 * JSON.stringify'd with keys in the order SageMaker writes them (captureData.endpointInput,
 * captureData.endpointOutput {observedContentType, mode, data, encoding}, eventMetadata {eventId,
 * inferenceId?, inferenceTime}, eventVersion "0").
 */

export const CaptureEncoding = {
  CSV: 'CSV',
  JSON: 'JSON',
  BASE64: 'BASE64',
} as const;
export type CaptureEncoding = (typeof CaptureEncoding)[keyof typeof CaptureEncoding];

export interface CaptureLineInput {
  /** The request payload as text (CSV rows, a JSON document, JSON Lines); omitted → no endpointInput. */
  inputData?: string;
  /** The response payload as text; omitted → no endpointOutput. */
  outputData?: string;
  /** How `data` is stored (default CSV). BASE64: the payload text is base64-encoded (UTF-8) here. */
  encoding?: CaptureEncoding;
  /** Output encoding when it differs from `encoding`. */
  outputEncoding?: CaptureEncoding;
  eventId: string;
  inferenceId?: string;
  /** ISO-8601 text, or epoch ms (written with second precision and Z, as SageMaker does). */
  inferenceTime: string | number;
  /** observedContentType of the input (default: text/csv for CSV, application/json for JSON and BASE64). */
  contentType?: string;
  /** observedContentType of the output (default: as the input). */
  outputContentType?: string;
}

function defaultContentType(encoding: CaptureEncoding): string {
  return encoding === CaptureEncoding.CSV ? 'text/csv' : 'application/json';
}

/** Epoch ms → `YYYY-MM-DDTHH:MM:SSZ`. */
export function captureTimeText(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 19)}Z`;
}

function entry(mode: 'INPUT' | 'OUTPUT', data: string, encoding: CaptureEncoding, contentType: string): object {
  return {
    observedContentType: contentType,
    mode,
    data: encoding === CaptureEncoding.BASE64 ? Buffer.from(data, 'utf8').toString('base64') : data,
    encoding,
  };
}

export function encodeCaptureLine(input: CaptureLineInput): string {
  const encoding = input.encoding ?? CaptureEncoding.CSV;
  const outputEncoding = input.outputEncoding ?? encoding;
  const contentType = input.contentType ?? defaultContentType(encoding);
  const outputContentType =
    input.outputContentType ?? (input.outputEncoding === undefined ? contentType : defaultContentType(outputEncoding));
  const captureData: Record<string, object> = {};
  if (input.inputData !== undefined) captureData['endpointInput'] = entry('INPUT', input.inputData, encoding, contentType);
  if (input.outputData !== undefined) {
    captureData['endpointOutput'] = entry('OUTPUT', input.outputData, outputEncoding, outputContentType);
  }
  const eventMetadata: Record<string, string> = { eventId: input.eventId };
  if (input.inferenceId !== undefined) eventMetadata['inferenceId'] = input.inferenceId;
  eventMetadata['inferenceTime'] =
    typeof input.inferenceTime === 'number' ? captureTimeText(input.inferenceTime) : input.inferenceTime;
  return JSON.stringify({ captureData, eventMetadata, eventVersion: '0' });
}

/** One CSV record from field texts (RFC 4180 quoting when a field holds , " CR or LF). */
export function toCsvRecord(fields: readonly (string | number | boolean | null | undefined)[]): string {
  let out = '';
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) out += ',';
    const f = fields[i];
    if (f === undefined || f === null) continue;
    const s = String(f);
    out += /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }
  return out;
}
