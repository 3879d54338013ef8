/**
 * The input of a parallel decode (parallel-decoded-file-source.ts) cut into units of work: each
 * capture file in order, a large plain file as consecutive byte ranges of `rangeBytes`. A range
 * holds the lines that start in it (unit-lines.ts aligns it to line boundaries), so the units' lines,
 * in unit order, are the files' lines in order. A gzip file is one unit: it can only be read from
 * its start.
 */
import { stat } from 'node:fs/promises';
import { listCaptureFiles } from './file-source.js';

/**
 * Bytes per range (issue 13): 8 MiB is about 19,000 capture lines, 19 blocks — big enough that a
 * range's start-up (an open and a partial first read) is noise, small enough that with two workers
 * and CREDITS blocks each both stay busy (README "Decoding in several worker threads").
 */
export const RANGE_BYTES = 8 * 1024 * 1024;

export interface DecodeUnit {
  /** Position in input order. */
  readonly index: number;
  readonly file: string;
  /** The range's first byte. */
  readonly start: number;
  /** One past its last byte, or undefined: to the end of the file, however long it is then. */
  readonly end: number | undefined;
}

/** The units of `paths` (listed as FileSource lists them: a missing path throws INPUT_NOT_FOUND). */
export async function planUnits(paths: readonly string[], rangeBytes = RANGE_BYTES): Promise<DecodeUnit[]> {
  const units: DecodeUnit[] = [];
  const add = (file: string, start: number, end: number | undefined): void => void units.push({ index: units.length, file, start, end });
  for (const file of await listCaptureFiles(paths, false)) {
    let size = 0;
    try {
      size = (await stat(file)).size;
    } catch {
      // one unit, whose reader reports the file as FileSource would
    }
    if (file.endsWith('.gz') || size <= rangeBytes) {
      add(file, 0, undefined);
      continue;
    }
    for (let start = 0; start < size; start += rangeBytes) add(file, start, start + rangeBytes >= size ? undefined : start + rangeBytes);
  }
  return units;
}
