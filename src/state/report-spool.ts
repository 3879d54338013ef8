/**
 * A durable FIFO spool of formatted reports on local disk: what the S3 report sink writes before
 * it uploads, so a report survives an S3 outage and a process crash. One file per report, named
 * `<sequence>-<spooled at, epoch ms>.json` (sequence zero-padded), holding the report's folder and
 * its four files' bodies. The sequence gives the delivery order across restarts; the timestamp in
 * the name gives the oldest entry's age without reading it.
 *
 * An append is durable when it resolves: the entry is written to a dot-named tmp file, fsynced,
 * renamed into place and the directory fsynced. A crash before the rename leaves only a tmp file,
 * which is ignored (and removed at the next open); after the rename the entry is complete. Entries
 * leave the spool only through remove() (after a successful upload) or quarantine() (a file that
 * cannot be parsed is renamed aside, never deleted). A spool directory belongs to one process at a
 * time.
 */
import { mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceFile } from './durable-file.js';

/** One file of a spooled report: its name in the report's folder and its text. */
export interface SpoolObject {
  name: string;
  body: string;
}

/** What the spool keeps per report: the folder (relative, '/'-separated) and its files in upload order. */
export interface SpooledReport {
  folder: string;
  objects: SpoolObject[];
}

export interface SpoolEntry {
  readonly seq: number;
  readonly spooledAtMs: number;
  /** File name inside the spool directory. */
  readonly file: string;
}

export type SpoolRead =
  | { status: 'ok'; report: SpooledReport }
  /** The file is gone (removed behind the spool's back). */
  | { status: 'missing' }
  /** The file exists but is not a spool entry this version can read. */
  | { status: 'corrupt'; reason: string };

const ENTRY = /^(\d+)-(\d+)\.json$/;
const TMP_SUFFIX = '.tmp';
const QUARANTINE_SUFFIX = '.corrupt';
const FORMAT_VERSION = 1;

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code;

export class ReportSpool {
  /** Oldest first; entries before `head` are already removed (compacted now and then). */
  private index: SpoolEntry[];
  private head = 0;
  private nextSeq: number;
  /** Serialises appends so the index stays in sequence order. */
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    private readonly clock: () => number,
    entries: SpoolEntry[],
  ) {
    this.index = entries;
    this.nextSeq = (entries.at(-1)?.seq ?? 0) + 1;
  }

  /**
   * Opens (creating if needed) a spool directory and indexes what a previous process left in it.
   * Synchronous: it runs once at start-up, and a directory that cannot be used should fail there.
   */
  static open(dir: string, clock: () => number = Date.now): ReportSpool {
    mkdirSync(dir, { recursive: true });
    const entries: SpoolEntry[] = [];
    for (const file of readdirSync(dir)) {
      const m = ENTRY.exec(file);
      if (m !== null) {
        entries.push({ seq: Number(m[1]), spooledAtMs: Number(m[2]), file });
      } else if (file.startsWith('.') && file.endsWith(TMP_SUFFIX)) {
        // an append interrupted before its rename: never acknowledged to the writer
        try {
          unlinkSync(join(dir, file));
        } catch {
          // harmless: it stays ignored
        }
      }
    }
    entries.sort((a, b) => a.seq - b.seq);
    return new ReportSpool(dir, clock, entries);
  }

  /** Entries waiting. */
  get depth(): number {
    return this.index.length - this.head;
  }

  /** Age of the oldest entry in ms (0 when empty). */
  oldestAgeMs(): number {
    const first = this.peek();
    return first === undefined ? 0 : Math.max(0, this.clock() - first.spooledAtMs);
  }

  /** The oldest entry, if any. */
  peek(): SpoolEntry | undefined {
    return this.index[this.head];
  }

  /** Sequence number of the newest entry ever appended or found (0 for none). */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** Adds a report at the tail; resolves once it is on disk durably. */
  append(report: SpooledReport): Promise<SpoolEntry> {
    const next = this.chain.then(() => this.appendNow(report));
    this.chain = next.catch(() => undefined);
    return next;
  }

  async read(entry: SpoolEntry): Promise<SpoolRead> {
    let text: string;
    try {
      text = await readFile(join(this.dir, entry.file), 'utf8');
    } catch (e) {
      if (errno(e) === 'ENOENT') return { status: 'missing' };
      throw e;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      return { status: 'corrupt', reason: `not JSON: ${(e as Error).message}` };
    }
    const report = asSpooledReport(parsed);
    return report === undefined ? { status: 'corrupt', reason: `not a version ${FORMAT_VERSION} spool entry` } : { status: 'ok', report };
  }

  /** Deletes an entry (after its delivery). An already missing file is not an error. */
  async remove(entry: SpoolEntry): Promise<void> {
    try {
      await unlink(join(this.dir, entry.file));
    } catch (e) {
      if (errno(e) !== 'ENOENT') throw e;
    }
    this.forget(entry);
  }

  /** Renames an unreadable entry to `<file>.corrupt` (kept for an operator) and drops it from the queue; returns the new name. */
  async quarantine(entry: SpoolEntry): Promise<string> {
    const aside = `${entry.file}${QUARANTINE_SUFFIX}`;
    try {
      await rename(join(this.dir, entry.file), join(this.dir, aside));
    } catch (e) {
      if (errno(e) !== 'ENOENT') throw e;
    }
    this.forget(entry);
    return aside;
  }

  private async appendNow(report: SpooledReport): Promise<SpoolEntry> {
    const seq = this.nextSeq++;
    const spooledAtMs = Math.max(0, Math.floor(this.clock()));
    const file = `${String(seq).padStart(12, '0')}-${spooledAtMs}.json`;
    const tmp = join(this.dir, `.${file}.${process.pid}${TMP_SUFFIX}`);
    const body = JSON.stringify({ v: FORMAT_VERSION, folder: report.folder, objects: report.objects });
    await replaceFile(join(this.dir, file), body, { tmp });
    const entry: SpoolEntry = { seq, spooledAtMs, file };
    this.index.push(entry);
    return entry;
  }

  private forget(entry: SpoolEntry): void {
    if (this.index[this.head] === entry) {
      this.head++;
    } else {
      const i = this.index.indexOf(entry, this.head);
      if (i >= 0) this.index.splice(i, 1);
    }
    if (this.head > 1024 && this.head * 2 > this.index.length) {
      this.index = this.index.slice(this.head);
      this.head = 0;
    }
  }
}

function asSpooledReport(v: unknown): SpooledReport | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as { v?: unknown; folder?: unknown; objects?: unknown };
  if (o.v !== FORMAT_VERSION || typeof o.folder !== 'string' || !Array.isArray(o.objects)) return undefined;
  const objects: SpoolObject[] = [];
  for (const x of o.objects as unknown[]) {
    const obj = x as { name?: unknown; body?: unknown } | null;
    if (typeof obj !== 'object' || obj === null || typeof obj.name !== 'string' || typeof obj.body !== 'string') return undefined;
    objects.push({ name: obj.name, body: obj.body });
  }
  return { folder: o.folder, objects };
}
