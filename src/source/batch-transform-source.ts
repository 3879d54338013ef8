/**
 * Batch-transform capture as a Source: the transform output files a job's capture manifests name
 * (batch-manifest.ts), or the transform output files themselves; their lines go to the
 * batch-transform decoder (record/batch-transform-decoder.ts).
 *
 * - `manifests: true`: `paths` are manifest files, or directories searched recursively for
 *   `*.json` manifests in path order (point it at `{DestinationS3Uri}/output/`: the `input/`
 *   manifests name the job's input, which has no inference ids). Each entry's object is read from
 *   a local directory when `prefixMap` maps its prefix (a downloaded copy), else from S3 through
 *   the configured client (endpoint, region; credentials from the SDK's default chain). An object
 *   named by several manifests is read once.
 * - `manifests: false`: `paths` are transform output files (`*.out`, any name), or directories of
 *   them searched recursively.
 * Objects ending in `.gz` are gunzipped. Dead letters and rejections name `<object>:<line>`.
 *
 * Nothing here stops the run for one bad input: a manifest that is not one (see parseManifest), an
 * entry whose key escapes its prefix, an object that is missing or unreadable — each is reported
 * once through `onUnreadable` (logged, counted, listed at the end, exit code 3 as for any unreadable
 * capture file) and skipped; every other manifest and object is still read. Not followed: a batch
 * job's capture is complete when the job ends.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { DEFAULTS } from '../config/defaults.js';
import { parseManifest, resolveObject, type ObjectLocation } from './batch-manifest.js';
import { ByteLineSplitter } from './byte-lines.js';
import { listCaptureFiles } from './file-source.js';
import { LINE_BATCH_SIZE, LineBatcher, type LineBatch } from './line-batcher.js';
import type { Source, UnreadableInput } from './source.js';

/** A manifest is a short list of keys; anything larger is not one. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

export interface BatchTransformSourceOptions {
  paths: readonly string[];
  /** Paths are capture manifests (true) or transform output files (false). */
  manifests: boolean;
  /** `s3://…/` prefix → local directory holding a copy of what is below it. */
  prefixMap: ReadonlyMap<string, string>;
  /** The S3 client for prefixes not mapped locally (created on first use). */
  s3Client?: () => Promise<S3Client>;
  batchSize?: number;
  maxLineLength?: number;
  onUnreadable?: (input: UnreadableInput) => void;
}

export class BatchTransformSource implements Source {
  readonly description: string;
  private closed = false;
  private readonly failures: UnreadableInput[] = [];
  private objectsRead = 0;
  private client: Promise<S3Client> | undefined;

  constructor(private readonly options: BatchTransformSourceOptions) {
    this.description = `batch-transform ${options.manifests ? 'manifests' : 'output files'} ${options.paths.join(', ')}`;
  }

  async *batches(): AsyncIterable<LineBatch> {
    const files = await listCaptureFiles(this.options.paths, false, this.options.manifests ? (n) => n.endsWith('.json') : () => true);
    if (!this.options.manifests) {
      for (const file of files) {
        if (this.closed) return;
        yield* this.readObject({ file, name: file });
      }
      return;
    }
    const seen = new Set<string>();
    for (const manifest of files) {
      for (const location of await this.manifestObjects(manifest)) {
        if (this.closed) return;
        if (seen.has(location.name)) continue;
        seen.add(location.name);
        yield* this.readObject(location);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.client !== undefined) (await this.client.catch(() => undefined))?.destroy();
  }

  unreadable(): readonly UnreadableInput[] {
    return this.failures;
  }

  /** Transform output objects read (for the empty-run message). */
  filesFound(): number {
    return this.objectsRead;
  }

  private fail(path: string, reason: string): void {
    const input = { path, reason };
    this.failures.push(input);
    this.options.onUnreadable?.(input);
  }

  /** The objects a manifest names; its problems reported (the whole manifest, or single entries). */
  private async manifestObjects(manifest: string): Promise<ObjectLocation[]> {
    let text: string;
    try {
      if ((await stat(manifest)).size > MAX_MANIFEST_BYTES) throw new Error(`larger than ${MAX_MANIFEST_BYTES} bytes: not a manifest`);
      text = await readFile(manifest, 'utf8');
    } catch (e) {
      this.fail(manifest, (e as Error).message);
      return [];
    }
    const m = parseManifest(text);
    if ('error' in m) {
      this.fail(manifest, `not a batch-transform capture manifest: ${m.error}`);
      return [];
    }
    for (const p of m.problems) this.fail(manifest, `manifest entry skipped: ${p}`);
    return m.keys.map((k) => resolveObject(m.prefix, k, this.options.prefixMap));
  }

  private async open(location: ObjectLocation): Promise<Readable> {
    if ('file' in location) return createReadStream(location.file, { highWaterMark: 1 << 20 });
    if (this.options.s3Client === undefined) throw new Error('no S3 client configured for s3:// prefixes');
    this.client ??= this.options.s3Client();
    const client = await this.client;
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const r = await client.send(new GetObjectCommand({ Bucket: location.s3.bucket, Key: location.s3.key }));
    if (!(r.Body instanceof Readable)) throw new Error('S3 returned no readable body');
    return r.Body;
  }

  /** One object's lines as batches; a read failure keeps the complete lines read before it. */
  private async *readObject(location: ObjectLocation): AsyncIterable<LineBatch> {
    const name = location.name;
    const splitter = new ByteLineSplitter(this.options.maxLineLength ?? DEFAULTS.maxLineLength);
    const batcher = new LineBatcher(name, this.options.batchSize ?? LINE_BATCH_SIZE);
    let lineNo = 0;
    try {
      const raw = await this.open(location);
      const stream = name.endsWith('.gz') ? gunzip(raw) : raw;
      this.objectsRead++;
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        for (const line of splitter.push(chunk)) {
          const batch = batcher.addLine(line, ++lineNo);
          if (batch !== undefined) yield batch;
        }
      }
      for (const line of splitter.end()) {
        const batch = batcher.addLine(line, ++lineNo);
        if (batch !== undefined) yield batch;
      }
    } catch (e) {
      this.fail(name, describe(e));
    }
    const last = batcher.flush();
    if (last !== undefined) yield last;
  }
}

function gunzip(raw: Readable): Readable {
  const out = createGunzip();
  raw.on('error', (e) => out.destroy(e));
  return raw.pipe(out);
}

function describe(e: unknown): string {
  const err = e as { name?: string; message?: string; code?: string };
  if (err.name === 'NoSuchKey' || err.code === 'ENOENT') return `object missing (${err.message ?? err.name})`;
  return err.message ?? String(e);
}
