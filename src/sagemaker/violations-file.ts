/**
 * constraint_violations.json: `{ "violations" : [ { "feature_name", "constraint_check_type",
 * "description" } ] }`, written in the container's Jackson layout (see jackson-json.ts).
 */
import { CHECK_TYPES, type CheckType, type Violation } from './data-quality-model.js';
import { formatJackson, type JsonNode } from './jackson-json.js';
import { arrayAt, describe, enumAt, isObject, Problems, stringAt } from './json-check.js';

export function formatViolations(violations: readonly Violation[]): string {
  const node: JsonNode = {
    violations: violations.map((v) => ({
      feature_name: v.featureName,
      constraint_check_type: v.constraintCheckType,
      description: v.description,
    })),
  };
  return formatJackson(node);
}

/**
 * Read a parsed constraint_violations.json. Unknown keys are ignored; an unknown
 * constraint_check_type is an error (the list of data-quality checks is closed).
 * Throws BASELINE_INVALID listing every problem.
 */
export function parseViolations(json: unknown, source?: string): Violation[] {
  const p = new Problems();
  const out: Violation[] = [];
  if (!isObject(json)) {
    p.add('$', `expected an object, got ${describe(json)}`);
    p.throwIfAny('constraint_violations.json', source);
    return out;
  }
  const list = arrayAt(json, 'violations', '$', p);
  list?.forEach((item, i) => {
    const path = `$.violations[${i}]`;
    if (!isObject(item)) {
      p.add(path, `expected an object, got ${describe(item)}`);
      return;
    }
    const featureName = stringAt(item, 'feature_name', path, p);
    const checkType = enumAt<CheckType>(item, 'constraint_check_type', path, p, CHECK_TYPES, {
      what: 'constraint_check_type',
    });
    const description = stringAt(item, 'description', path, p, true) ?? '';
    if (featureName !== undefined && checkType !== undefined) {
      out.push({ featureName, constraintCheckType: checkType, description });
    }
  });
  p.throwIfAny('constraint_violations.json', source);
  return out;
}
