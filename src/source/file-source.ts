/**
 * Capture files: files and directories (searched recursively, in path order — SageMaker's
 * yyyy/mm/dd/HH/MM-SS-mmm-uuid.jsonl names sort by time) of *.jsonl, *.json, *.jsonl.gz, *.json.gz.
 * With `follow`, files are polled as they grow and new files are picked up, until close().
 * Blank lines are skipped.
 *
 * A file that cannot be read — gone or unreadable, a corrupt or truncated gzip — is a file-level
 * error, not the run's end: the complete lines read from it before the failure are kept (a
 * truncated line is dropped), the failure is reported once through `onUnreadable` and listed by
 * unreadable(), and the other files are still read. A failed file is not retried.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';
import { DriftmonError, ErrorCode } from '../errors.js';
import { LINE_BATCH_SIZE, LineBatcher, type LineBatch } from './line-batcher.js';
import { DEFAULTS } from '../config/defaults.js';
import { ByteLineSplitter } from './byte-lines.js';
import type { Source, UnreadableInput } from './source.js';

const CAPTURE_FILE = /\.(jsonl|json|ndjson)(\.gz)?$/;

export interface FileSourceOptions {
  paths: readonly string[];
  follow?: boolean;
  pollIntervalMs?: number;
  batchSize?: number;
  /**
   * Longest line held in memory, in bytes (default 16 MiB): a longer one is skipped to its newline
   * and comes out rejected (line_too_long) with its first KiB and true length (see byte-lines.ts).
   */
  maxLineLength?: number;
  /** Called once per file that cannot be read (see the header); the file is then skipped. */
  onUnreadable?: (input: UnreadableInput) => void;
}

export class FileSource implements Source {
  private closed = false;
  private readonly offsets = new Map<string, { bytes: number; line: number; splitter: ByteLineSplitter; failed?: true }>();
  private readonly failures: UnreadableInput[] = [];
  readonly description: string;

  constructor(private readonly options: FileSourceOptions) {
    this.description = `files ${options.paths.join(', ')}${options.follow ? ' (follow)' : ''}`;
  }

  async *batches(): AsyncIterable<LineBatch> {
    const batchSize = this.options.batchSize ?? LINE_BATCH_SIZE;
    do {
      const files = await listCaptureFiles(this.options.paths, this.options.follow ?? false);
      for (const file of files) {
        if (this.closed) return;
        yield* this.readFile(file, batchSize);
      }
      if (!this.options.follow) return;
      await sleep(this.options.pollIntervalMs ?? 1000);
    } while (!this.closed);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  unreadable(): readonly UnreadableInput[] {
    return this.failures;
  }

  filesFound(): number {
    return this.offsets.size;
  }

  private fail(st: { failed?: true }, file: string, e: unknown): void {
    st.failed = true;
    const input = { path: file, reason: (e as Error).message };
    this.failures.push(input);
    this.options.onUnreadable?.(input);
  }

  private async *readFile(file: string, batchSize: number): AsyncIterable<LineBatch> {
    let state = this.offsets.get(file);
    if (state === undefined) {
      state = { bytes: 0, line: 0, splitter: new ByteLineSplitter(this.options.maxLineLength ?? DEFAULTS.maxLineLength) };
      this.offsets.set(file, state);
    }
    if (state.failed) return;
    const st = state;
    const gz = file.endsWith('.gz');
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch (e) {
      if (this.options.follow && isMissing(e)) return; // deleted while followed (rotation)
      this.fail(st, file, e);
      return;
    }
    if (size <= st.bytes) return;
    if (gz && st.bytes > 0) return; // compressed files are read once, whole
    const stream = gz ? gunzip(file) : createReadStream(file, { start: st.bytes, highWaterMark: 1 << 20 });
    const batcher = new LineBatcher(file, batchSize);
    let error: unknown;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        for (const line of st.splitter.push(chunk)) {
          const batch = batcher.addLine(line, ++st.line);
          if (batch !== undefined) yield batch;
        }
      }
    } catch (e) {
      error = e;
    }
    if (error !== undefined) {
      this.fail(st, file, error);
      st.splitter.end(); // a truncated line is not a record
      const last = batcher.flush();
      if (last !== undefined) yield last;
      return;
    }
    st.bytes = size;
    if (!this.options.follow || gz) {
      for (const line of st.splitter.end()) {
        const batch = batcher.addLine(line, ++st.line);
        if (batch !== undefined) yield batch;
      }
    }
    const last = batcher.flush();
    if (last !== undefined) yield last;
  }
}

/** Files under `paths`, directories searched recursively in path order for names `keep` accepts (default: capture files). */
export async function listCaptureFiles(paths: readonly string[], tolerateMissing: boolean, keep: (name: string) => boolean = (n) => CAPTURE_FILE.test(n)): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let s;
    try {
      s = await stat(p);
    } catch (e) {
      if (tolerateMissing) continue;
      throw new DriftmonError(ErrorCode.INPUT_NOT_FOUND, `capture path not found: ${p}`, { cause: e });
    }
    if (s.isDirectory()) out.push(...(await walk(p, keep)));
    else out.push(p);
  }
  return out;
}

/** The decompressed text of a .gz file; the file's own read errors fail the stream too (pipe() does not forward them). */
export function gunzip(file: string): Readable {
  const raw = createReadStream(file);
  const out = createGunzip();
  raw.on('error', (e) => out.destroy(e));
  return raw.pipe(out);
}

function isMissing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === 'ENOENT';
}

async function walk(dir: string, keep: (name: string) => boolean): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(full, keep)));
    else if (e.isFile() && keep(e.name)) out.push(full);
  }
  return out;
}
