/**
 * Model-quality statistics.json, constraints.json and violations file: reading SageMaker's (and
 * hand-made) files into the model of src/evaluate/model-quality/model.ts, and writing that model
 * in the container's shape and Jackson layout (jackson-json.ts).
 *
 * Reading is lenient like the data-quality readers (json-check.ts): `version` 0 / 0.0 / absent,
 * integers or doubles for any number, Jackson's "NaN"/"Infinity" strings for metric values and
 * standard deviations, unknown top-level keys ignored, `dataset` optional (the SDK's model-card
 * binary example has none), a missing standard_deviation read as NaN, metric names outside
 * SageMaker's list accepted when they have the scalar shape. It is strict about structure: exactly
 * one `<problem>_metrics` / `<problem>_constraints` member, confusion matrix counts ≥ 0, curve
 * arrays of equal length, known comparison operators — and lists every problem, with its JSON
 * path, in one BASELINE_INVALID error.
 *
 * Writing: `version` 0.0; `dataset.item_count` as an integer; metric values, standard deviations,
 * thresholds and curve points as doubles (NaN as the string "NaN"); confusion-matrix counts as
 * integers. Metrics are written in SageMaker's documented order (METRIC_NAMES), then any others in
 * their stored order. A container-written file (statistics.json, constraints.json of the SDK's
 * quality-check fixtures) reads and writes back byte for byte.
 */
import {
  COMPARISON_OPERATORS,
  CONFUSION_MATRIX,
  CONSTRAINTS_KEY,
  METRIC_NAMES,
  METRICS_KEY,
  PR_CURVE,
  ROC_CURVE,
  type ComparisonOperator,
  type ConfusionMatrix,
  type MetricConstraint,
  type ModelQualityConstraints,
  type ModelQualityStatistics,
  type ModelQualityViolation,
  type ScalarMetric,
} from './model-quality-model.js';
import { PROBLEM_TYPES, type ProblemType } from './problem-type.js';
import { dbl, formatJackson, type JsonNode } from './jackson-json.js';
import {
  arrayAt,
  checkNumber,
  describe,
  enumAt,
  isObject,
  key,
  numberAt,
  objectAt,
  Problems,
  rootObject,
  stringAt,
  type JsonObject,
} from './json-check.js';

const STATISTICS = 'model-quality statistics.json';
const CONSTRAINTS = 'model-quality constraints.json';
const VIOLATIONS = 'model-quality constraint_violations.json';
const VALUE = { nonFinite: true } as const;

/** The one `<problem>_<suffix>` member of root, with its problem type. */
function problemMember(
  root: JsonObject,
  keys: Readonly<Record<ProblemType, string>>,
  p: Problems,
): { problemType: ProblemType; body: JsonObject; path: string } | undefined {
  const found = PROBLEM_TYPES.filter((t) => root[keys[t]] !== undefined);
  if (found.length === 0) {
    p.add('$', `missing (expected one of ${PROBLEM_TYPES.map((t) => keys[t]).join(', ')})`);
    return undefined;
  }
  if (found.length > 1) {
    p.add('$', `more than one problem type: ${found.map((t) => keys[t]).join(', ')}`);
    return undefined;
  }
  const problemType = found[0]!;
  const body = objectAt(root, keys[problemType], '$', p);
  return body === undefined ? undefined : { problemType, body, path: key('$', keys[problemType]) };
}

// ---- statistics.json ------------------------------------------------------------------------

/** Read a parsed model-quality statistics.json. Throws BASELINE_INVALID listing every problem. */
export function parseModelQualityStatistics(json: unknown, source?: string): ModelQualityStatistics {
  const p = new Problems();
  const root = rootObject(json, STATISTICS, source, p);
  const dataset = objectAt(root, 'dataset', '$', p, true);
  const itemCount =
    dataset === undefined ? undefined : numberAt(dataset, 'item_count', '$.dataset', p, { optional: true, integer: true, min: 0 });
  const evaluationTime = dataset === undefined ? undefined : stringAt(dataset, 'evaluation_time', '$.dataset', p, true);
  const member = problemMember(root, METRICS_KEY, p);
  const stats: ModelQualityStatistics = { problemType: member?.problemType ?? 'Regression', metrics: Object.create(null) as Record<string, ScalarMetric> };
  if (itemCount !== undefined) stats.itemCount = itemCount;
  if (evaluationTime !== undefined) stats.evaluationTime = evaluationTime;
  if (member !== undefined) {
    for (const [name, v] of Object.entries(member.body)) {
      const at = key(member.path, name);
      if (!isObject(v)) {
        p.add(at, `expected an object, got ${describe(v)}`);
      } else if (name === CONFUSION_MATRIX) {
        stats.confusionMatrix = parseMatrix(v, at, p);
      } else if (name === ROC_CURVE) {
        const [fpr, tpr] = parseCurve(v, at, p, 'false_positive_rates', 'true_positive_rates');
        if (fpr && tpr) stats.receiverOperatingCharacteristicCurve = { falsePositiveRates: fpr, truePositiveRates: tpr };
      } else if (name === PR_CURVE) {
        const [precisions, recalls] = parseCurve(v, at, p, 'precisions', 'recalls');
        if (precisions && recalls) stats.precisionRecallCurve = { precisions, recalls };
      } else {
        const value = numberAt(v, 'value', at, p, VALUE);
        const sd = v['standard_deviation'] === undefined ? NaN : numberAt(v, 'standard_deviation', at, p, VALUE);
        if (value !== undefined && sd !== undefined) stats.metrics[name] = { value, standardDeviation: sd };
      }
    }
  }
  p.throwIfAny(STATISTICS, source);
  return stats;
}

function parseMatrix(o: JsonObject, path: string, p: Problems): ConfusionMatrix {
  const m: ConfusionMatrix = new Map();
  for (const [actual, row] of Object.entries(o)) {
    const at = key(path, actual);
    if (!isObject(row)) {
      p.add(at, `expected an object, got ${describe(row)}`);
      continue;
    }
    const r = new Map<string, number>();
    for (const predicted of Object.keys(row)) {
      const c = numberAt(row, predicted, at, p, { min: 0 });
      if (c !== undefined) r.set(predicted, c);
    }
    m.set(actual, r);
  }
  return m;
}

function parseCurve(o: JsonObject, path: string, p: Problems, a: string, b: string): [number[]?, number[]?] {
  const read = (k: string): number[] | undefined => {
    const list = arrayAt(o, k, path, p);
    if (list === undefined) return undefined;
    const out: number[] = [];
    list.forEach((x, i) => {
      const v = checkNumber(x, `${key(path, k)}[${i}]`, p, VALUE);
      if (v !== undefined) out.push(v);
    });
    return out.length === list.length ? out : undefined;
  };
  const xs = read(a);
  const ys = read(b);
  if (xs && ys && xs.length !== ys.length) {
    p.add(path, `${a} has ${xs.length} points but ${b} has ${ys.length}`);
    return [];
  }
  return [xs, ys];
}

/** Model-quality statistics.json text in the container's shape and Jackson layout. */
export function formatModelQualityStatistics(stats: ModelQualityStatistics): string {
  const body: Record<string, JsonNode> = Object.create(null) as Record<string, JsonNode>;
  const scalar = (m: ScalarMetric): JsonNode => ({ value: dbl(m.value), standard_deviation: dbl(m.standardDeviation) });
  const special = (name: string): JsonNode | undefined => {
    if (name === CONFUSION_MATRIX && stats.confusionMatrix) return matrixNode(stats.confusionMatrix);
    const roc = stats.receiverOperatingCharacteristicCurve;
    if (name === ROC_CURVE && roc) {
      return { false_positive_rates: roc.falsePositiveRates.map(dbl), true_positive_rates: roc.truePositiveRates.map(dbl) };
    }
    const pr = stats.precisionRecallCurve;
    if (name === PR_CURVE && pr) return { precisions: pr.precisions.map(dbl), recalls: pr.recalls.map(dbl) };
    return undefined;
  };
  for (const name of METRIC_NAMES[stats.problemType]) {
    const m = stats.metrics[name];
    const node = m === undefined ? special(name) : scalar(m);
    if (node !== undefined) body[name] = node;
  }
  for (const name of [CONFUSION_MATRIX, ROC_CURVE, PR_CURVE]) {
    const node = special(name);
    if (node !== undefined && body[name] === undefined) body[name] = node;
  }
  for (const [name, m] of Object.entries(stats.metrics)) if (body[name] === undefined) body[name] = scalar(m);
  const dataset =
    stats.itemCount === undefined && stats.evaluationTime === undefined
      ? undefined
      : { item_count: stats.itemCount, evaluation_time: stats.evaluationTime };
  return formatJackson({ version: dbl(0), dataset, [METRICS_KEY[stats.problemType]]: body });
}

function matrixNode(m: ConfusionMatrix): JsonNode {
  const out: Record<string, JsonNode> = Object.create(null) as Record<string, JsonNode>;
  for (const [actual, row] of m) out[actual] = Object.fromEntries(row);
  return out;
}

// ---- constraints.json -----------------------------------------------------------------------

/** Read a parsed model-quality constraints.json. Throws BASELINE_INVALID listing every problem. */
export function parseModelQualityConstraints(json: unknown, source?: string): ModelQualityConstraints {
  const p = new Problems();
  const root = rootObject(json, CONSTRAINTS, source, p);
  const member = problemMember(root, CONSTRAINTS_KEY, p);
  const constraints: Record<string, MetricConstraint> = Object.create(null) as Record<string, MetricConstraint>;
  if (member !== undefined) {
    for (const [name, v] of Object.entries(member.body)) {
      const at = key(member.path, name);
      if (!isObject(v)) {
        p.add(at, `expected an object, got ${describe(v)}`);
        continue;
      }
      const threshold = numberAt(v, 'threshold', at, p);
      const comparisonOperator = enumAt<ComparisonOperator>(v, 'comparison_operator', at, p, COMPARISON_OPERATORS, {
        what: 'comparison_operator',
      });
      if (threshold !== undefined && comparisonOperator !== undefined) constraints[name] = { threshold, comparisonOperator };
    }
  }
  p.throwIfAny(CONSTRAINTS, source);
  return { problemType: member!.problemType, constraints };
}

/** Model-quality constraints.json text in the container's shape and Jackson layout. */
export function formatModelQualityConstraints(c: ModelQualityConstraints): string {
  const body: Record<string, JsonNode> = Object.create(null) as Record<string, JsonNode>;
  for (const [name, m] of Object.entries(c.constraints)) {
    body[name] = { threshold: dbl(m.threshold), comparison_operator: m.comparisonOperator };
  }
  return formatJackson({ version: dbl(0), [CONSTRAINTS_KEY[c.problemType]]: body });
}

// ---- violations -----------------------------------------------------------------------------

/** `{ "violations" : [ { "constraint_check_type", "description", "metric_name" } ] }`. */
export function formatModelQualityViolations(violations: readonly ModelQualityViolation[]): string {
  return formatJackson({
    violations: violations.map((v) => ({
      constraint_check_type: v.constraintCheckType,
      description: v.description,
      metric_name: v.metricName,
    })),
  });
}

/** Read a parsed model-quality violations file. Throws BASELINE_INVALID listing every problem. */
export function parseModelQualityViolations(json: unknown, source?: string): ModelQualityViolation[] {
  const p = new Problems();
  const out: ModelQualityViolation[] = [];
  if (!isObject(json)) {
    p.add('$', `expected an object, got ${describe(json)}`);
    p.throwIfAny(VIOLATIONS, source);
    return out;
  }
  arrayAt(json, 'violations', '$', p)?.forEach((item, i) => {
    const path = `$.violations[${i}]`;
    if (!isObject(item)) {
      p.add(path, `expected an object, got ${describe(item)}`);
      return;
    }
    const metricName = stringAt(item, 'metric_name', path, p);
    const constraintCheckType = enumAt<ComparisonOperator>(item, 'constraint_check_type', path, p, COMPARISON_OPERATORS, {
      what: 'constraint_check_type',
    });
    const description = stringAt(item, 'description', path, p, true) ?? '';
    if (metricName !== undefined && constraintCheckType !== undefined) out.push({ metricName, constraintCheckType, description });
  });
  p.throwIfAny(VIOLATIONS, source);
  return out;
}
