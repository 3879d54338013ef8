/**
 * Checkpoints: a monitor's whole window state together with the source positions it covers. The
 * state holds every record before those positions and none after, so a restart that restores it
 * and resumes from the positions counts each record exactly once. Offsets are committed to the
 * broker only after the checkpoint holding them is durable.
 *
 * File layout (big-endian): "DMCK" | version u32 | header length u32 | header JSON |
 * state length u32 | state bytes | CRC-32 of everything before it. Written to a temporary file,
 * fsynced, renamed over the old one, and the directory fsynced: a crash leaves the old checkpoint
 * or the new one, never a torn file. A corrupt file is an error, not a silent fresh start (which
 * would lose the open windows).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { DriftmonError, ErrorCode } from '../errors.js';
import { replaceFile } from './durable-file.js';
import type { SourcePosition } from './source-position.js';

export interface Checkpoint {
  monitor: string;
  createdAtMs: number;
  positions: readonly SourcePosition[];
  /** The monitor's snapshot (MonitorPipeline.snapshot()). */
  state: Uint8Array;
}

export interface CheckpointStore {
  load(monitor: string): Promise<Checkpoint | undefined>;
  /** Durable when the promise resolves; returns the bytes written. */
  save(checkpoint: Checkpoint): Promise<number>;
  describe(monitor: string): string;
}

const MAGIC = 0x444d434b; // "DMCK"
const VERSION = 1;

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const header = Buffer.from(JSON.stringify({ monitor: c.monitor, createdAtMs: c.createdAtMs, positions: c.positions }));
  const out = Buffer.alloc(12 + header.length + 4 + c.state.length + 4);
  out.writeUInt32BE(MAGIC, 0);
  out.writeUInt32BE(VERSION, 4);
  out.writeUInt32BE(header.length, 8);
  header.copy(out, 12);
  let o = 12 + header.length;
  out.writeUInt32BE(c.state.length, o);
  out.set(c.state, o + 4);
  o += 4 + c.state.length;
  out.writeUInt32BE(crc32(out.subarray(0, o)), o);
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array, where: string): Checkpoint {
  const fail = (why: string): never => {
    throw new DriftmonError(ErrorCode.SNAPSHOT_INVALID, `checkpoint ${where} is invalid (${why}); move it away to start without it`);
  };
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 20) fail('too short');
  if (b.readUInt32BE(0) !== MAGIC) fail('not a driftmon checkpoint');
  if (b.readUInt32BE(4) !== VERSION) fail(`unknown version ${b.readUInt32BE(4)}`);
  if (crc32(b.subarray(0, b.length - 4)) !== b.readUInt32BE(b.length - 4)) fail('checksum mismatch');
  const headerLength = b.readUInt32BE(8);
  if (12 + headerLength + 8 > b.length) fail('truncated');
  let header: { monitor?: unknown; createdAtMs?: unknown; positions?: unknown };
  try {
    header = JSON.parse(b.subarray(12, 12 + headerLength).toString('utf8')) as typeof header;
  } catch {
    return fail('header is not JSON');
  }
  const o = 12 + headerLength;
  const stateLength = b.readUInt32BE(o);
  if (o + 4 + stateLength + 4 !== b.length) fail('length mismatch');
  if (typeof header.monitor !== 'string' || typeof header.createdAtMs !== 'number' || !Array.isArray(header.positions)) fail('header fields');
  return {
    monitor: header.monitor as string,
    createdAtMs: header.createdAtMs as number,
    positions: header.positions as SourcePosition[],
    state: new Uint8Array(b.subarray(o + 4, o + 4 + stateLength)),
  };
}

export class FileCheckpointStore implements CheckpointStore {
  constructor(readonly dir: string) {}

  describe(monitor: string): string {
    return this.path(monitor);
  }

  async load(monitor: string): Promise<Checkpoint | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path(monitor));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new DriftmonError(ErrorCode.SNAPSHOT_INVALID, `cannot read checkpoint ${this.path(monitor)}: ${(e as Error).message}`, { cause: e });
    }
    const c = decodeCheckpoint(bytes, this.path(monitor));
    if (c.monitor !== monitor) {
      throw new DriftmonError(ErrorCode.SNAPSHOT_INVALID, `checkpoint ${this.path(monitor)} belongs to monitor "${c.monitor}", not "${monitor}"`);
    }
    return c;
  }

  async save(checkpoint: Checkpoint): Promise<number> {
    const path = this.path(checkpoint.monitor);
    const bytes = encodeCheckpoint(checkpoint);
    try {
      await mkdir(this.dir, { recursive: true });
      await replaceFile(path, bytes, { tmp: `${path}.tmp` });
    } catch (e) {
      throw new DriftmonError(ErrorCode.SINK_WRITE_FAILED, `cannot write checkpoint ${path}: ${(e as Error).message}`, { cause: e, retryable: true });
    }
    return bytes.length;
  }

  private path(monitor: string): string {
    return join(this.dir, `${monitor}.checkpoint`);
  }
}

/** For unit tests: keeps the encoded bytes, so encoding is exercised too. */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly files = new Map<string, Uint8Array>();

  describe(monitor: string): string {
    return `memory:${monitor}`;
  }

  async load(monitor: string): Promise<Checkpoint | undefined> {
    const bytes = this.files.get(monitor);
    return bytes === undefined ? undefined : decodeCheckpoint(bytes, this.describe(monitor));
  }

  async save(checkpoint: Checkpoint): Promise<number> {
    const bytes = encodeCheckpoint(checkpoint);
    this.files.set(checkpoint.monitor, bytes);
    return bytes.length;
  }
}
