/**
 * The lines of one decode unit (decode-units.ts) in batches, as FileSource reads a whole file: the
 * same splitting (ByteLineSplitter: maxLineLength, invalid UTF-8, CRLF), blank lines counted, and a
 * read error reported once (the complete lines before it kept). A range starting inside a file
 * begins after the first newline at or after its start − 1; a line crossing its end belongs to it.
 * Line numbers count from the range's first line (1); the caller adds the lines of the file's
 * earlier units.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { ByteLineSplitter } from './byte-lines.js';
import type { DecodeUnit } from './decode-units.js';
import { gunzip } from './file-source.js';
import { LineBatcher, type LineBatch } from './line-batcher.js';

export interface UnitRead {
  maxLineLength: number;
  batchSize: number;
  /** Lines already delivered (resuming a unit): counted, not batched. */
  skipLines?: number;
  /** The file cannot be read (FileSource's onUnreadable); the lines before the failure still come. */
  onError(e: unknown): void;
}

/** `progress.lines`: lines of the unit read so far (all of them once the iteration ends). */
export async function* unitLines(unit: DecodeUnit, read: UnitRead, progress: { lines: number }): AsyncIterable<LineBatch> {
  const { file, start, end } = unit;
  const gz = file.endsWith('.gz');
  try {
    if ((await stat(file)).size === 0) return;
  } catch (e) {
    read.onError(e);
    return;
  }
  const splitter = new ByteLineSplitter(read.maxLineLength, start > 0);
  const batcher = new LineBatcher(file, read.batchSize);
  const skip = read.skipLines ?? 0;
  const take = (lines: ReturnType<ByteLineSplitter['push']>): LineBatch[] => {
    const out: LineBatch[] = [];
    for (const line of lines) {
      if (++progress.lines <= skip) continue;
      const batch = batcher.addLine(line, progress.lines);
      if (batch !== undefined) out.push(batch);
    }
    return out;
  };
  const stream: Readable = gz ? gunzip(file) : createReadStream(file, { start: Math.max(0, start - 1), highWaterMark: 1 << 20 });
  // file position of the next byte read, and whether the bytes up to the first newline are an
  // earlier range's line
  let at = Math.max(0, start - 1);
  let skipping = start > 0;
  let error: unknown;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let bytes = chunk;
      let from = at;
      at += chunk.length;
      if (skipping) {
        const nl = bytes.indexOf(10);
        if (nl < 0) continue;
        skipping = false;
        bytes = bytes.subarray(nl + 1);
        from += nl + 1;
        if (end !== undefined && from >= end) break; // the range lies inside one earlier line
      }
      let last = false;
      if (end !== undefined && from + bytes.length >= end) {
        const nl = bytes.indexOf(10, Math.max(0, end - 1 - from));
        if (nl >= 0) {
          bytes = bytes.subarray(0, nl + 1);
          last = true;
        }
      }
      yield* take(splitter.push(bytes));
      if (last) break;
    }
  } catch (e) {
    error = e;
  }
  if (error !== undefined) {
    read.onError(error);
    splitter.end(); // a truncated line is not a record
  } else if (!skipping) {
    yield* take(splitter.end());
  }
  const rest = batcher.flush();
  if (rest !== undefined) yield rest;
}
