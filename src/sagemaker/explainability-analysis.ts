/**
 * Clarify's explainability `analysis.json` (DG "Analysis results", fixture
 * fraud_detection/clarify_output/explainability/analysis.json):
 * `{"version": "1.0", "explanations": {"kernel_shap": {"<label>": {"global_shap_values":
 * {"<feature>": φ, …}, "expected_value": E}}}}`, written as Clarify's Python container writes it
 * (`json.dumps(indent=4)`, python-json.ts); label keys `label0`, `label1`, … unless the predictor's
 * `label_headers` name them. The baseline job's file doubles as the monitor's constraints.
 *
 * The reader is lenient (unknown keys such as `global_top_shap_text` or `pdp` ignored) and lists
 * every problem (BASELINE_INVALID). The local values file `explanations_shap/out.csv` holds one row
 * per explained row and one column per feature (`<label>_<feature>` when the model has several
 * outputs): driftmon's layout, Clarify's exact header is not documented.
 */
import { key, numberAt, objectAt, objectRoot, Problems } from './json-check.js';
import { formatPythonJson, pythonFloat, PyObject, type PyJson } from './python-json.js';

export interface LabelExplanation {
  readonly label: string;
  /** Global SHAP value per feature, in the feature order. */
  readonly globalShapValues: readonly (readonly [string, number])[];
  readonly expectedValue: number;
}

export interface ExplainabilityAnalysis {
  readonly version: string;
  readonly kernelShap: readonly LabelExplanation[];
}

/** The name of output k: label_headers[k], else `label<k>`. */
export function labelName(k: number, labelHeaders: readonly string[] | undefined): string {
  return labelHeaders?.[k] ?? `label${k}`;
}

/** analysis.json text for `analysis`. */
export function formatExplainabilityAnalysis(analysis: ExplainabilityAnalysis): string {
  const labels = analysis.kernelShap.map((l): [string, PyJson] => [
    l.label,
    new PyObject([
      ['global_shap_values', new PyObject(l.globalShapValues.map(([f, v]) => [f, finite(v)]))],
      ['expected_value', finite(l.expectedValue)],
    ]),
  ]);
  return formatPythonJson(new PyObject([
    ['version', analysis.version],
    ['explanations', new PyObject([['kernel_shap', new PyObject(labels)]])],
  ]));
}

/** NaN/±Infinity as the strings "NaN"/"Infinity" (Python writes them bare, which is not JSON). */
function finite(v: number): PyJson {
  return Number.isFinite(v) ? v : pythonFloat(v);
}

/**
 * out.csv text: a header of feature names (`<label>_<feature>` with several labels), then per row
 * the label-major values, each as Python's repr writes floats.
 */
export function formatLocalShapCsv(features: readonly string[], labels: readonly string[], rows: readonly (readonly ArrayLike<number>[])[]): string {
  const header = labels.length === 1 ? features : labels.flatMap((l) => features.map((f) => `${l}_${f}`));
  const lines = [header.map(csvField).join(',')];
  for (const perLabel of rows) lines.push(perLabel.flatMap((phi) => Array.from(phi, pythonFloat)).join(','));
  return lines.join('\n') + '\n';
}

/** A CSV field, quoted when it holds a comma, quote or line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Check a parsed explainability analysis.json; throws BASELINE_INVALID listing every problem. */
export function parseExplainabilityAnalysis(json: unknown, source?: string): ExplainabilityAnalysis {
  const p = new Problems();
  const root = objectRoot(json, 'analysis.json', source, p);
  const v = root['version'];
  const explanations = objectAt(root, 'explanations', '$', p);
  const shap = explanations === undefined ? undefined : objectAt(explanations, 'kernel_shap', '$.explanations', p);
  const kernelShap: LabelExplanation[] = [];
  for (const label of Object.keys(shap ?? {})) {
    const path = key('$.explanations.kernel_shap', label);
    const node = objectAt(shap!, label, '$.explanations.kernel_shap', p);
    if (node === undefined) continue;
    const values = objectAt(node, 'global_shap_values', path, p);
    const expectedValue = numberAt(node, 'expected_value', path, p, { nonFinite: true });
    const globalShapValues: [string, number][] = [];
    for (const f of Object.keys(values ?? {})) {
      const x = numberAt(values!, f, `${path}.global_shap_values`, p, { nonFinite: true });
      if (x !== undefined) globalShapValues.push([f, x]);
    }
    if (expectedValue !== undefined) kernelShap.push({ label, globalShapValues, expectedValue });
  }
  if (shap !== undefined && Object.keys(shap).length === 0) p.add('$.explanations.kernel_shap', 'no label');
  p.throwIfAny('analysis.json', source);
  return { version: typeof v === 'string' || typeof v === 'number' ? String(v) : '1.0', kernelShap };
}
