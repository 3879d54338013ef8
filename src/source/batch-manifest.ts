/**
 * SageMaker batch-transform capture manifests (pure: text in, locations out).
 *
 * With DataCaptureConfig on a transform job, SageMaker copies no payloads: it writes manifests
 * under `{DestinationS3Uri}/input/yyyy/mm/dd/HH/` and `{DestinationS3Uri}/output/yyyy/mm/dd/HH/`,
 * each a JSON array whose first element is `{"prefix": "s3://…/"}` followed by object keys relative
 * to it: `[{"prefix": "s3://bucket/transform-output/"}, "test-dataset.json.out"]`.
 *
 * A manifest is input like any other: parseManifest rejects the whole manifest when its shape is
 * wrong (not JSON, not an array, no `s3://` prefix first) and, per entry, keys that are not
 * relative object keys (not a string, empty, absolute, a `..` or `.` segment, a backslash or a
 * control character) — those entries are listed as problems and the manifest's other entries are
 * still read. The prefix's own path passes the same checks. A prefix mapped to a local directory (a downloaded copy) is resolved below that
 * directory only: the key checks are what keeps a hostile key from escaping it.
 */
import { join } from 'node:path';

export interface Manifest {
  /** The `s3://bucket/path/` prefix, as written. */
  readonly prefix: string;
  /** Valid keys, in manifest order. */
  readonly keys: readonly string[];
  /** Entries that were skipped, and why (`entry 3: …`). */
  readonly problems: readonly string[];
}

/** A manifest entry's object: in S3, or in a local copy. */
export type ObjectLocation = { readonly s3: { readonly bucket: string; readonly key: string }; readonly name: string } | { readonly file: string; readonly name: string };

/** The manifest, or why the whole manifest cannot be used. */
export function parseManifest(text: string): Manifest | { error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { error: `not JSON (${(e as Error).message})` };
  }
  if (!Array.isArray(doc)) return { error: 'not a JSON array (a manifest is [{"prefix": "s3://…/"}, "key", …])' };
  const head: unknown = doc[0];
  const prefix = head !== null && typeof head === 'object' && !Array.isArray(head) && Object.prototype.hasOwnProperty.call(head, 'prefix') ? (head as { prefix: unknown }).prefix : undefined;
  if (typeof prefix !== 'string') return { error: 'its first element is not {"prefix": "s3://…/"}' };
  const uri = parseS3Uri(prefix);
  if (uri === undefined) return { error: `prefix ${JSON.stringify(prefix.slice(0, 200))} is not an s3://bucket/… URI` };
  const prefixKey = uri.key.replace(/\/+$/, '');
  const prefixWhy = prefixKey === '' ? undefined : keyProblem(prefixKey);
  if (prefixWhy !== undefined) return { error: `prefix: ${prefixWhy}` };
  const keys: string[] = [];
  const problems: string[] = [];
  for (let i = 1; i < doc.length; i++) {
    const why = keyProblem(doc[i]);
    if (why === undefined) keys.push(doc[i] as string);
    else problems.push(`entry ${i}: ${why}`);
  }
  return { prefix, keys, problems };
}

/** Why a manifest entry is not a relative object key; undefined when it is one. */
export function keyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string') return `not a string (${JSON.stringify(key)?.slice(0, 100) ?? typeof key})`;
  if (key === '') return 'an empty key';
  const shown = JSON.stringify(key.slice(0, 200));
  if (key.startsWith('/')) return `key ${shown} is absolute`;
  if (/[\u0000-\u001f\\]/.test(key)) return `key ${shown} holds a control character or a backslash`;
  if (key.split('/').some((seg) => seg === '..' || seg === '.')) return `key ${shown} leaves its prefix ('..' or '.' segment)`;
  return undefined;
}

/** s3://bucket/key → its parts (key may be empty); undefined when not such a URI. */
export function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/s.exec(uri);
  return m === null ? undefined : { bucket: m[1] as string, key: m[2] ?? '' };
}

/**
 * Where prefix + key lives: below the local directory of the longest `prefixMap` entry the
 * prefix starts with, else in S3. The key must have passed keyProblem.
 */
export function resolveObject(prefix: string, key: string, prefixMap: ReadonlyMap<string, string>): ObjectLocation {
  const withSlash = prefix.endsWith('/') ? prefix : `${prefix}/`;
  const name = `${withSlash}${key}`;
  let best: string | undefined;
  for (const from of prefixMap.keys()) if (name.startsWith(from) && (best === undefined || from.length > best.length)) best = from;
  if (best !== undefined) {
    const rest = name.slice(best.length).split('/').filter((s) => s !== '');
    return { file: join(prefixMap.get(best) as string, ...rest), name };
  }
  return { s3: parseS3Uri(name) as { bucket: string; key: string }, name };
}
