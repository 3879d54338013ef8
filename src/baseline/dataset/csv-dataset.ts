/**
 * CSV (papaparse, streamed):
 * - RFC 4180 quoting, `,` by default (tab for a .tsv file); empty lines skipped; a UTF-8 BOM is
 *   dropped; an empty field is missing (Spark reads it as null); values are classified from their
 *   text (classify.ts).
 * - The header is given or detected, and columns are named, as in csv-header.ts.
 * - The column count is fixed by the first row (Spark's behaviour): shorter rows leave the rest
 *   missing, extra fields are ignored; both are counted in `raggedRows`. Malformed quoting is an
 *   error (INPUT_UNREADABLE, every bad record listed up to a limit).
 */
import { extname } from 'node:path';
import Papa from 'papaparse';
import { HEADER_SNIFF_ROWS, looksLikeHeader, safeHeader, type HeaderOption } from './csv-header.js';
import { countingStream, type Progress } from './read-progress.js';
import { RecordProblems } from './record-problems.js';
import type { RowSink } from './row-sink.js';

/** The CSV part of a dataset read's options. */
export interface CsvOptions {
  /** Default 'auto' (see csv-header.ts). */
  header?: HeaderOption;
  /** Default ',' (tab for a .tsv file). */
  delimiter?: string;
}

export interface CsvResult {
  /** Whether the first row was taken as a header (absent when there is no first row). */
  header?: boolean;
  /** Rows with fewer or more fields than columns. */
  raggedRows: number;
}

/** Read CSV `input` into `sink`, row by row in file order. */
export async function readCsv(
  input: string,
  sink: RowSink,
  progress: Progress,
  options: CsvOptions,
): Promise<CsvResult> {
  const headerOption = options.header ?? 'auto';
  const problems = new RecordProblems();
  let record = 0;
  let slots: number[] | undefined;
  let header: boolean | undefined;
  let ragged = 0;
  const pending: string[][] = [];

  const start = (first: string[], rest: readonly string[][]): void => {
    header = headerOption === 'auto' ? looksLikeHeader(first, rest) : headerOption;
    const names = header ? safeHeader(first) : first.map((_, i) => `_c${i}`);
    slots = names.map((n) => sink.slot(n));
    if (!header) dataRow(first);
  };

  const dataRow = (fields: readonly string[]): void => {
    const s = slots as number[];
    if (fields.length !== s.length) ragged++;
    sink.begin();
    for (let j = 0; j < s.length; j++) {
      const v = fields[j];
      if (v === undefined || v === '') sink.setMissing(s[j] as number);
      else sink.setText(s[j] as number, v);
    }
    sink.emit();
  };

  const onFields = (fields: string[]): void => {
    if (slots !== undefined) {
      dataRow(fields);
      return;
    }
    if (record === 1 && fields.length > 0 && fields[0]?.charCodeAt(0) === 0xfeff) {
      fields[0] = (fields[0] as string).slice(1);
    }
    if (headerOption !== 'auto') {
      start(fields, []);
      return;
    }
    pending.push(fields);
    if (pending.length > HEADER_SNIFF_ROWS) flushPending();
  };

  const flushPending = (): void => {
    const [first, ...rest] = pending;
    pending.length = 0;
    if (first === undefined) return;
    start(first, rest);
    for (const r of rest) dataRow(r);
  };

  await new Promise<void>((resolve, reject) => {
    const stream = countingStream(input, progress);
    stream.on('error', reject);
    Papa.parse<string[]>(stream, {
      header: false,
      delimiter: options.delimiter ?? (extname(input).toLowerCase() === '.tsv' ? '\t' : ','),
      skipEmptyLines: true,
      dynamicTyping: false,
      step: (result, parser) => {
        record++;
        try {
          if (result.errors.length > 0) {
            for (const err of result.errors) problems.add(`record ${record}: ${err.message}`);
            return;
          }
          onFields(result.data);
        } catch (e) {
          // reject first: abort() calls complete() at once, whose resolve() would otherwise win
          reject(e as Error);
          parser.abort();
        }
      },
      complete: () => resolve(),
      error: (err: Error) => reject(err),
    });
  });
  problems.throwIfAny(input, 'malformed CSV records');
  if (slots === undefined) flushPending();
  return header === undefined ? { raggedRows: ragged } : { header, raggedRows: ragged };
}
