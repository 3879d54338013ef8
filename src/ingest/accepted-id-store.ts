/**
 * The event IDs the ground-truth endpoint has accepted, so a label posted again (a retry, a
 * resend, a racing request, after a restart) is not produced to the topic twice.
 *
 * On disk: one append-only file, `<dir>/accepted-event-ids.log`, a line per ID:
 * `<acceptedAtMs>\t<ID as a JSON string>\n`, appended and fdatasync'ed before add() resolves. At
 * open the file is read line by line (a torn last line from a crash is skipped); IDs older than
 * the retention horizon are forgotten, and the file is rewritten durably (tmp, fsync, rename)
 * whenever it holds more than twice the live IDs (+1,024), so it stays bounded by the horizon.
 *
 * In memory: a Map from ID to acceptance time, in acceptance order, so expiry pops from the front
 * (has() and add() expire as they go). Cost, measured (Node 20, --expose-gc, 1,000,000 IDs of 38
 * ASCII characters added in batches of 10,000 cut from request-like bodies): about 87 bytes of
 * heap per ID (≈ 87 MB per million), file ≈ 55 bytes per ID, re-open ≈ 2.6 s per million IDs on
 * this 2-core machine. Size the retention horizon by labels per day × days.
 *
 * Not safe for concurrent add() calls by itself: the ingestion endpoint calls it from its one writer loop.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DriftmonError, ErrorCode } from '../errors.js';
import { replaceFile } from '../state/durable-file.js';

export const ACCEPTED_IDS_FILE = 'accepted-event-ids.log';

export interface AcceptedIdStoreOptions {
  dir: string;
  /** IDs accepted longer ago than this are forgotten (a label sent again after that is produced again). */
  retentionMs: number;
  clock?: () => number;
}

/**
 * A copy of the ID that owns its characters: IDs come out of a request body or a file chunk as
 * V8 sliced strings, which would keep the whole body or chunk alive for as long as the ID is kept.
 */
function own(id: string): string {
  return Buffer.from(id, 'utf8').toString('utf8');
}

function line(id: string, atMs: number): string {
  return `${atMs}\t${JSON.stringify(id)}\n`;
}

/** [acceptedAtMs, id] of one line, or undefined for a torn or foreign line. */
function parseLine(l: string): [number, string] | undefined {
  const tab = l.indexOf('\t');
  if (tab <= 0) return undefined;
  const atMs = Number(l.slice(0, tab));
  if (!Number.isFinite(atMs)) return undefined;
  const q = l.slice(tab + 1);
  if (q.length < 2 || q.charCodeAt(0) !== 34 || q.charCodeAt(q.length - 1) !== 34) return undefined;
  if (q.indexOf('\\') < 0) return [atMs, q.slice(1, -1)];
  try {
    const id: unknown = JSON.parse(q);
    return typeof id === 'string' ? [atMs, id] : undefined;
  } catch {
    return undefined;
  }
}

async function endsWithNewline(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    if (size === 0) return true;
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, size - 1);
    return b[0] === 10;
  } finally {
    await fh.close();
  }
}

export class AcceptedIdStore {
  readonly path: string;
  private readonly ids = new Map<string, number>();
  private readonly retentionMs: number;
  private readonly clock: () => number;
  private fh: FileHandle | undefined;
  /** Lines in the file (live or expired). */
  private fileLines = 0;

  private constructor(options: AcceptedIdStoreOptions) {
    this.path = join(options.dir, ACCEPTED_IDS_FILE);
    this.retentionMs = options.retentionMs;
    this.clock = options.clock ?? Date.now;
  }

  /** Loads the IDs accepted within the retention horizon and opens the file for appending. */
  static async open(options: AcceptedIdStoreOptions): Promise<AcceptedIdStore> {
    const store = new AcceptedIdStore(options);
    try {
      await mkdir(options.dir, { recursive: true });
      await store.load();
      await store.compactIfNeeded();
      store.fh ??= await open(store.path, 'a');
      // a crash may have left a torn last line: end it, so the next line starts clean
      if (!(await endsWithNewline(store.path))) await store.fh.appendFile('\n');
    } catch (e) {
      if (e instanceof DriftmonError) throw e;
      throw new DriftmonError(ErrorCode.STATE_STORE_FAILED, `cannot open the accepted event-ID store ${store.path}: ${(e as Error).message}`, { cause: e });
    }
    return store;
  }

  /** IDs currently remembered. */
  get size(): number {
    this.expire();
    return this.ids.size;
  }

  has(id: string): boolean {
    this.expire();
    return this.ids.has(id);
  }

  /** Records the IDs durably (appended and fdatasync'ed), then remembers them. */
  async add(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const fh = this.fh;
    if (fh === undefined) throw new DriftmonError(ErrorCode.INTERNAL, 'accepted event-ID store used after close()');
    const now = this.clock();
    let text = '';
    for (const id of ids) text += line(id, now);
    try {
      await fh.appendFile(text, 'utf8');
      await fh.datasync();
    } catch (e) {
      throw new DriftmonError(ErrorCode.STATE_STORE_FAILED, `cannot append to ${this.path}: ${(e as Error).message}`, { cause: e, retryable: true });
    }
    this.fileLines += ids.length;
    for (const id of ids) {
      this.ids.delete(id); // re-accepted after expiry: move to the end
      this.ids.set(own(id), now);
    }
    this.expire();
    await this.compactIfNeeded();
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close();
  }

  private expire(): void {
    const cutoff = this.clock() - this.retentionMs;
    for (const [id, atMs] of this.ids) {
      if (atMs >= cutoff) break;
      this.ids.delete(id);
    }
  }

  private async load(): Promise<void> {
    const exists = await stat(this.path).then(
      () => true,
      (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? false : Promise.reject(e)),
    );
    if (!exists) return;
    const cutoff = this.clock() - this.retentionMs;
    const lines = createInterface({ input: createReadStream(this.path, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const l of lines) {
      this.fileLines++;
      const parsed = parseLine(l);
      if (parsed === undefined || parsed[0] < cutoff) continue;
      this.ids.delete(parsed[1]);
      this.ids.set(own(parsed[1]), parsed[0]);
    }
  }

  private async compactIfNeeded(): Promise<void> {
    if (this.fileLines <= 2 * this.ids.size + 1024) return;
    let text = '';
    for (const [id, atMs] of this.ids) text += line(id, atMs);
    await this.fh?.close();
    this.fh = undefined;
    await replaceFile(this.path, text);
    this.fileLines = this.ids.size;
    this.fh = await open(this.path, 'a');
  }
}
