/**
 * `driftmon label FILE...`: post ground-truth JSON Lines files to a running driftmon's
 * POST /v1/ground-truth, in batches under the body limit, and say per file what was accepted,
 * what were duplicates (already sent: safe to resend a whole file) and which lines were rejected.
 *
 * A batch with an invalid record is rejected whole by the server (nothing of it is produced); the
 * other batches still go. Fix the listed lines and run the command again on the same file.
 */
import { readFile } from 'node:fs/promises';
import { ExitCode } from '../errors.js';
import { retry } from '../retry.js';
import { GROUND_TRUTH_PATH, type RecordError } from '../ingest/ground-truth-route.js';
import type { CliIo } from './io.js';

export const LABEL_EXIT_CODES_HELP = `
Exit codes:
  0  every record was accepted (or was a duplicate of one accepted before)
  2  bad usage (no --url, unset token variable, bad --batch)
  3  a file could not be read (the other files are still sent)
  4  records were rejected (listed as FILE:LINE: reason: message on stderr)
  5  the server or network failed (unreachable, 401 unauthorized, 5xx after retries)
`;

export const DEFAULT_LABEL_TOKEN_ENV = 'DRIFTMON_LABEL_TOKEN';

export interface LabelOptions {
  url?: string;
  tokenEnv: string;
  batch: string;
  maxBytes: string;
  retries: string;
}

interface FileTotals {
  accepted: number;
  duplicates: number;
  rejected: number;
}

class ServerFailure extends Error {}

/** The endpoint URL: a base URL gets /v1/ground-truth appended. */
export function endpointUrl(url: string): URL {
  const u = new URL(url);
  if (u.pathname === '/' || u.pathname === '') u.pathname = GROUND_TRUTH_PATH;
  return u;
}

export async function labelCommand(io: CliIo, files: readonly string[], opts: LabelOptions): Promise<number> {
  const usage = (msg: string): number => {
    io.err(`driftmon label: ${msg}\n`);
    return ExitCode.USAGE;
  };
  if (opts.url === undefined) return usage('--url URL is required (the driftmon serving POST /v1/ground-truth, e.g. http://127.0.0.1:9464)');
  let url: URL;
  try {
    url = endpointUrl(opts.url);
  } catch {
    return usage(`--url ${opts.url} is not a URL`);
  }
  const token = io.env[opts.tokenEnv];
  if (token === undefined || token === '') return usage(`environment variable ${opts.tokenEnv} (the bearer token) is not set`);
  const batch = Number(opts.batch);
  const maxBytes = Number(opts.maxBytes);
  const retries = Number(opts.retries);
  if (!Number.isInteger(batch) || batch < 1) return usage(`--batch ${opts.batch} must be a positive integer`);
  if (!Number.isInteger(maxBytes) || maxBytes < 1) return usage(`--max-bytes ${opts.maxBytes} must be a positive integer`);
  if (!Number.isInteger(retries) || retries < 0) return usage(`--retries ${opts.retries} must be a non-negative integer`);

  const poster = new Poster(url, token, retries, io.signal);
  let code: number = ExitCode.OK;
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      io.err(`driftmon label: cannot read ${file}: ${(e as Error).message}\n`);
      code = ExitCode.INPUT;
      continue;
    }
    const totals: FileTotals = { accepted: 0, duplicates: 0, rejected: 0 };
    try {
      for (const b of batches(text, batch, maxBytes)) await poster.post(b, file, totals, io);
    } catch (e) {
      io.out(`${file}: accepted ${totals.accepted}, duplicates ${totals.duplicates}, rejected ${totals.rejected} (stopped)\n`);
      io.err(`driftmon label: ${(e as Error).message}\n`);
      return ExitCode.RUNTIME;
    }
    io.out(`${file}: accepted ${totals.accepted}, duplicates ${totals.duplicates}, rejected ${totals.rejected}\n`);
    if (totals.rejected > 0 && code === ExitCode.OK) code = ExitCode.VIOLATIONS;
  }
  return code;
}

/** Lines of one request and their 1-based line numbers in the file. */
interface Batch {
  lines: string[];
  lineNos: number[];
  bytes: number;
}

function* batches(text: string, maxRecords: number, maxBytes: number): Generator<Batch> {
  let b: Batch = { lines: [], lineNos: [], bytes: 0 };
  const all = text.split('\n');
  for (let i = 0; i < all.length; i++) {
    const line = all[i]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const size = Buffer.byteLength(line) + 1;
    if (b.lines.length > 0 && (b.lines.length >= maxRecords || b.bytes + size > maxBytes)) {
      yield b;
      b = { lines: [], lineNos: [], bytes: 0 };
    }
    b.lines.push(line);
    b.lineNos.push(i + 1);
    b.bytes += size;
  }
  if (b.lines.length > 0) yield b;
}

class Poster {
  constructor(
    private readonly url: URL,
    private readonly token: string,
    private readonly retries: number,
    private readonly signal: AbortSignal,
  ) {}

  async post(b: Batch, file: string, totals: FileTotals, io: CliIo): Promise<void> {
    const res = await this.send(b.lines.join('\n') + '\n');
    if (res.status === 202) {
      const r = (await res.json()) as { accepted: number; duplicates: number };
      totals.accepted += r.accepted;
      totals.duplicates += r.duplicates;
      return;
    }
    if (res.status === 413) {
      await res.body?.cancel();
      if (b.lines.length === 1) {
        totals.rejected++;
        io.err(`${file}:${b.lineNos[0]}: line_too_long: the record is larger than the server's body limit\n`);
        return;
      }
      // the server's limit is lower than --max-bytes: halve and retry
      const h = Math.ceil(b.lines.length / 2);
      const part = (a: number, z: number): Batch => ({ lines: b.lines.slice(a, z), lineNos: b.lineNos.slice(a, z), bytes: 0 });
      await this.post(part(0, h), file, totals, io);
      await this.post(part(h, b.lines.length), file, totals, io);
      return;
    }
    if (res.status === 400) {
      const r = (await res.json()) as { errors: RecordError[] };
      for (const e of r.errors) {
        const at = e.line !== undefined ? b.lineNos[e.line - 1] : undefined;
        io.err(`${file}:${at ?? `record ${e.index}`}: ${e.reason}: ${e.message}\n`);
      }
      totals.rejected += r.errors.length;
      return;
    }
    const detail = await res.text().catch(() => '');
    if (res.status === 401) throw new ServerFailure(`${this.url.href} answered 401 unauthorized: check the token`);
    throw new ServerFailure(`${this.url.href} answered ${res.status}: ${detail.slice(0, 500)}`);
  }

  /** POST, retrying network errors and 5xx answers with 1 s, 2 s, … waits. */
  private send(body: string): Promise<Response> {
    return retry(
      async () => {
        let res: Response;
        try {
          res = await fetch(this.url, {
            method: 'POST',
            headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/x-ndjson' },
            body,
            signal: AbortSignal.any([this.signal, AbortSignal.timeout(120_000)]),
          });
        } catch (e) {
          const cause = (e as { cause?: { message?: string } }).cause?.message;
          throw new ServerFailure(`cannot reach ${this.url.href}: ${(e as Error).message}${cause ? ` (${cause})` : ''}`);
        }
        if (res.status < 500) return res;
        throw new ServerFailure(`${this.url.href} answered ${res.status}: ${(await res.text().catch(() => '')).slice(0, 500)}`);
      },
      { attempts: this.retries + 1, baseDelayMs: 1000, shouldRetry: () => !this.signal.aborted },
    );
  }
}
