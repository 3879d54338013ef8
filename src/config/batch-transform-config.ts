/**
 * A files source's `batchTransform` section: SageMaker batch-transform capture (manifests or
 * transform output files, source/batch-transform-source.ts). Every problem is pushed into the
 * shared list, with the config's others; nothing throws.
 */
import { existsSync } from 'node:fs';
import type { ConfigInput } from './schema.js';

type FilesSourceInput = Extract<NonNullable<ConfigInput['monitors']>[number]['source'], { type: 'files' }>;

export interface BatchTransformSettings {
  /** `paths` are capture manifests (true) or transform output files (false). */
  manifests: boolean;
  /** s3:// prefix → absolute local directory. */
  prefixMap: ReadonlyMap<string, string>;
  /** S3 for unmapped prefixes (region: else AWS_REGION); fields left out come from output.s3, else defaults. */
  s3: { endpoint?: string; region?: string; forcePathStyle?: boolean };
}

export const BATCH_TRANSFORM_FORMATS: readonly string[] = ['batch-transform-csv', 'batch-transform-jsonl'];

/** The section resolved (undefined when absent), as `{ batchTransform }` to spread into the source settings. */
export function resolveBatchTransform(
  source: FilesSourceInput,
  format: string | undefined,
  at: string,
  abs: (p: string) => string,
  problems: string[],
  checkFiles: boolean,
  env: Record<string, string | undefined>,
): { batchTransform?: BatchTransformSettings } {
  const b = source.batchTransform;
  if (b === undefined || typeof b !== 'object' || b === null) return {};
  const where = `${at}/source/batchTransform`;
  if (format === undefined || !BATCH_TRANSFORM_FORMATS.includes(format)) {
    problems.push(`${where}: batch-transform capture holds transform output: set ${at}/record/format to batch-transform-csv or batch-transform-jsonl`);
  }
  if (source.follow === true) problems.push(`${where}: a batch job's capture is complete when the job ends: the source cannot "follow"`);
  const prefixMap = new Map<string, string>();
  for (const [from, to] of Object.entries(b.prefixMap ?? {})) {
    if (!/^s3:\/\/[^/]+/.test(from)) problems.push(`${where}/prefixMap: "${from}" is not an s3://bucket/… prefix`);
    else if (typeof to === 'string') {
      const dir = abs(to);
      if (checkFiles && !existsSync(dir)) problems.push(`${where}/prefixMap/${from}: ${dir} does not exist`);
      prefixMap.set(from.endsWith('/') ? from : `${from}/`, dir);
    }
  }
  if (b.s3?.endpoint !== undefined && !URL.canParse(b.s3.endpoint)) problems.push(`${where}/s3/endpoint: "${b.s3.endpoint}" is not a URL`);
  const region = b.s3?.region ?? env.AWS_REGION;
  return { batchTransform: { manifests: b.manifests ?? true, prefixMap, s3: { ...b.s3, ...(region === undefined ? {} : { region }) } } };
}
