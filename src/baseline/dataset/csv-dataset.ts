/**
 * CSV (papaparse, streamed):
 * - RFC 4180 quoting, `,` by default (tab for a .tsv file); empty lines skipped; a UTF-8 BOM is
 *   dropped; an empty field is missing (Spark reads it as null); values are classified from their
 *   text (classify.ts).
 * - The header is given or detected, and columns are named, as in csv-header.ts.
 * - The column count is fixed by the header (or the first row; Spark's behaviour): shorter rows
 *   leave the rest missing, extra fields are dropped. Neither is silent: both kinds are counted
 *   with the line of their first row (`ragged`), and the baseline job warns about each. Malformed
 *   quoting is an error (INPUT_UNREADABLE, every bad record listed up to a limit).
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

/** Data rows of one kind of raggedness: how many, and the line (1-based, in the file) of the first. */
export interface RaggedRows {
  count: number;
  firstLine: number;
}

export interface CsvResult {
  /** Whether the first row was taken as a header (absent when there is no first row). */
  header?: boolean;
  /** Rows with fewer or more fields than columns. */
  raggedRows: number;
  /** The same by kind: more fields (the extra ones dropped), fewer (the rest missing); and the column count. */
  ragged: { longer: RaggedRows; shorter: RaggedRows; columns: number };
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
  const longer: RaggedRows = { count: 0, firstLine: 0 };
  const shorter: RaggedRows = { count: 0, firstLine: 0 };
  /** The line the current record starts on, and the next record's. */
  let line = 0;
  let nextLine = 1;
  const pending: { fields: string[]; line: number }[] = [];

  const start = (first: string[], rest: readonly string[][], firstLine: number): void => {
    header = headerOption === 'auto' ? looksLikeHeader(first, rest) : headerOption;
    const names = header ? safeHeader(first) : first.map((_, i) => `_c${i}`);
    slots = names.map((n) => sink.slot(n));
    if (!header) dataRow(first, firstLine);
  };

  const dataRow = (fields: readonly string[], at: number): void => {
    const s = slots as number[];
    if (fields.length !== s.length) {
      const kind = fields.length > s.length ? longer : shorter;
      if (kind.count++ === 0) kind.firstLine = at;
    }
    sink.begin();
    for (let j = 0; j < s.length; j++) {
      const v = fields[j];
      if (v === undefined || v === '') sink.setMissing(s[j] as number);
      else sink.setText(s[j] as number, v);
    }
    sink.emit();
  };

  const onFields = (fields: string[]): void => {
    // lines this record spans: quoted fields may hold newlines
    line = nextLine;
    nextLine += 1;
    for (const f of fields) for (let k = f.indexOf('\n'); k >= 0; k = f.indexOf('\n', k + 1)) nextLine++;
    if (fields.length === 1 && fields[0] === '') return; // an empty line
    if (slots !== undefined) {
      dataRow(fields, line);
      return;
    }
    if (line === 1 && fields.length > 0 && fields[0]?.charCodeAt(0) === 0xfeff) {
      fields[0] = (fields[0] as string).slice(1);
    }
    if (headerOption !== 'auto') {
      start(fields, [], line);
      return;
    }
    pending.push({ fields, line });
    if (pending.length > HEADER_SNIFF_ROWS) flushPending();
  };

  const flushPending = (): void => {
    const [first, ...rest] = pending;
    pending.length = 0;
    if (first === undefined) return;
    start(first.fields, rest.map((r) => r.fields), first.line);
    for (const r of rest) dataRow(r.fields, r.line);
  };

  await new Promise<void>((resolve, reject) => {
    const stream = countingStream(input, progress);
    stream.on('error', reject);
    Papa.parse<string[]>(stream, {
      header: false,
      delimiter: options.delimiter ?? (extname(input).toLowerCase() === '.tsv' ? '\t' : ','),
      // empty lines are skipped in onFields, so that line numbers stay right
      skipEmptyLines: false,
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
  const ragged = { longer, shorter, columns: slots?.length ?? 0 };
  const raggedRows = longer.count + shorter.count;
  return header === undefined ? { raggedRows, ragged } : { header, raggedRows, ragged };
}
