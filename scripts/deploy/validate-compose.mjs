#!/usr/bin/env node
/**
 * Validates a compose file without Docker: the Compose Specification's JSON schema, then what the
 * schema cannot see — every bind-mounted file or folder and every build context/Dockerfile exists,
 * every named volume is declared, every depends_on names a service.
 *
 *   node scripts/deploy/validate-compose.mjs [deploy/compose/compose.yaml]
 *
 * The schema is deploy/compose/schema/compose-spec.json, byte for byte schema/compose-spec.json of
 * the Go module github.com/compose-spec/compose-go/v2@v2.16.2 (what `docker compose` v2 validates
 * with; draft 2020-12), fetched with `go mod download -json`. Its SHA-256 is checked below so a
 * hand edit is noticed; to bump it, copy the new module's file and update both.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCHEMA = join(REPO, 'deploy', 'compose', 'schema', 'compose-spec.json');
const SCHEMA_SHA256 = 'f266dcbb043229405d7cedd5aec918f9102c2b3d5e3850808fdd8edd564a43ff';

/** Problems of one compose file, one line each (empty: valid). */
export function validateCompose(file) {
  const problems = [];
  const schemaText = readFileSync(SCHEMA);
  const sha = createHash('sha256').update(schemaText).digest('hex');
  if (sha !== SCHEMA_SHA256) problems.push(`${SCHEMA}: SHA-256 ${sha} is not compose-go v2.16.2's (${SCHEMA_SHA256})`);
  // merge keys (<<) are YAML 1.1, which compose files use for shared service settings
  const doc = parse(readFileSync(file, 'utf8'), { merge: true });
  // strict off: the schema carries annotations (deprecated, x-… patterns) ajv's strict mode rejects
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(schemaText.toString('utf8')));
  if (!validate(doc)) {
    for (const e of validate.errors ?? []) problems.push(`schema: ${e.instancePath || '/'} ${e.message}${extraKey(e.params)}`);
  }
  const base = dirname(resolve(file));
  const at = (p) => (isAbsolute(p) ? p : join(base, p));
  const services = doc?.services ?? {};
  const volumes = new Set(Object.keys(doc?.volumes ?? {}));
  for (const [name, svc] of Object.entries(services)) {
    if (svc?.build !== undefined) {
      const context = at(typeof svc.build === 'string' ? svc.build : (svc.build.context ?? '.'));
      if (!existsSync(context)) problems.push(`services.${name}.build.context: ${context} does not exist`);
      const dockerfile = join(context, svc.build.dockerfile ?? 'Dockerfile');
      if (!existsSync(dockerfile)) problems.push(`services.${name}.build.dockerfile: ${dockerfile} does not exist`);
    }
    for (const v of svc?.volumes ?? []) {
      const { type, source } = typeof v === 'string' ? shortVolume(v) : { type: v.type, source: v.source };
      if (type === 'bind' && !existsSync(at(source))) problems.push(`services.${name}.volumes: ${source} (${at(source)}) does not exist`);
      if (type === 'volume' && source !== undefined && !volumes.has(source)) problems.push(`services.${name}.volumes: named volume ${source} is not declared under volumes:`);
    }
    for (const f of [svc?.env_file ?? []].flat()) {
      const path = typeof f === 'string' ? f : f.path;
      if (!existsSync(at(path))) problems.push(`services.${name}.env_file: ${path} does not exist`);
    }
    const deps = Array.isArray(svc?.depends_on) ? svc.depends_on : Object.keys(svc?.depends_on ?? {});
    for (const d of deps) if (!(d in services)) problems.push(`services.${name}.depends_on: no service ${d}`);
  }
  return problems;
}

/** The key an additionalProperties / unevaluatedProperties error is about, if any. */
function extraKey(params) {
  const key = params?.additionalProperty ?? params?.unevaluatedProperty;
  return key === undefined ? '' : ` (${key})`;
}

/** "SRC:DST[:MODE]" → bind when SRC is a path, a named volume otherwise; "DST" alone is anonymous. */
function shortVolume(text) {
  const parts = text.split(':');
  if (parts.length === 1) return { type: 'volume', source: undefined };
  const source = parts[0];
  const isPath = source.startsWith('.') || source.startsWith('/') || source.startsWith('~');
  return { type: isPath ? 'bind' : 'volume', source };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = resolve(process.argv[2] ?? join(REPO, 'deploy', 'compose', 'compose.yaml'));
  const problems = validateCompose(file);
  for (const p of problems) console.error(`${file}: ${p}`);
  console.log(problems.length === 0 ? `${file}: valid (compose-spec schema, mounts, volumes, depends_on)` : `${file}: ${problems.length} problem(s)`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
