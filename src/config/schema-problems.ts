/** TypeBox's errors for a config, as one readable line per problem (anyOf/const noise collapsed). */
import { Value } from 'typebox/value';
import { ConfigSchema } from './schema.js';

export function schemaProblems(value: unknown): string[] {
  const errors = [...Value.Errors(ConfigSchema, value)];
  const allowed = new Map<string, string[]>();
  const lines: string[] = [];
  for (const e of errors) {
    const path = e.instancePath || '/';
    if (e.keyword === 'boolean') continue; // duplicate of additionalProperties
    if (e.keyword === 'const') {
      const list = allowed.get(path) ?? [];
      list.push(JSON.stringify((e.params as { allowedValue?: unknown }).allowedValue));
      allowed.set(path, list);
      continue;
    }
    if (e.keyword === 'anyOf') continue;
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperties?: string[] }).additionalProperties ?? [];
      lines.push(`${path}: unknown key${extra.length > 1 ? 's' : ''} ${extra.map((k) => `"${k}"`).join(', ')}`);
      continue;
    }
    if (e.keyword === 'required') {
      const req = (e.params as { requiredProperties?: string[] }).requiredProperties ?? [];
      lines.push(`${path}: missing required key${req.length > 1 ? 's' : ''} ${req.map((k) => `"${k}"`).join(', ')}`);
      continue;
    }
    lines.push(`${path}: ${e.message}`);
  }
  for (const [path, values] of allowed) lines.push(`${path}: must be one of ${values.join(', ')}`);
  return [...new Set(lines)];
}

