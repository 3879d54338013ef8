#!/usr/bin/env node
/**
 * JSON schemas for kubeconform from CustomResourceDefinitions shipped inside Go modules, written in
 * kubeconform's CRD layout: OUT/<group>/<kind>_<version>.json (schema location
 * `OUT/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`).
 *
 *   node scripts/deploy/crd-schemas.mjs OUT MODULE@VERSION PATH/IN/MODULE.yaml [MODULE@VERSION PATH …]
 *
 * The module is fetched with `go mod download -json` (the Go module proxy). Each served version's
 * openAPIV3Schema becomes a JSON schema: `nullable` adds "null" to the type, and objects with
 * declared properties reject unknown keys unless the CRD preserves unknown fields, as kubeconform's
 * -strict does for built-in kinds, so a misspelt key in a chart template fails CI. The origin
 * (module, version, file) is kept in each schema's $comment. Run by hand when bumping a CRD;
 * the output is committed (deploy/helm/schemas).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** OpenAPI v3 (Kubernetes structural schema) → JSON schema, recursively. */
function toJsonSchema(node) {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'nullable') continue;
    out[k] = k === 'properties' || k === 'patternProperties' ? mapValues(v, toJsonSchema) : toJsonSchema(v);
  }
  if (node.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  const preserves = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.properties !== undefined && out.additionalProperties === undefined && !preserves) out.additionalProperties = false;
  return out;
}

function mapValues(o, fn) {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fn(v)]));
}

function moduleDir(moduleAtVersion) {
  const info = JSON.parse(execFileSync('go', ['mod', 'download', '-json', moduleAtVersion], { encoding: 'utf8' }));
  if (info.Error || !info.Dir) throw new Error(`go mod download ${moduleAtVersion}: ${info.Error ?? 'no Dir'}`);
  return info.Dir;
}

function main(argv) {
  const [out, ...pairs] = argv;
  if (out === undefined || pairs.length === 0 || pairs.length % 2 !== 0) {
    console.error('usage: crd-schemas.mjs OUT MODULE@VERSION PATH [MODULE@VERSION PATH …]');
    return 2;
  }
  for (let i = 0; i < pairs.length; i += 2) {
    const [mod, path] = [pairs[i], pairs[i + 1]];
    const crd = parse(readFileSync(join(moduleDir(mod), path), 'utf8'));
    const { group, names } = crd.spec;
    for (const v of crd.spec.versions.filter((x) => x.served)) {
      const schema = {
        $comment: `${names.kind} ${group}/${v.name}: openAPIV3Schema of ${path} in Go module ${mod}, converted by scripts/deploy/crd-schemas.mjs`,
        ...toJsonSchema(v.schema.openAPIV3Schema),
      };
      const file = join(out, group, `${names.kind.toLowerCase()}_${v.name}.json`);
      mkdirSync(join(out, group), { recursive: true });
      writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
      console.log(`wrote ${file}`);
    }
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
