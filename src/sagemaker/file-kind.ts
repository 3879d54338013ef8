/**
 * Which of SageMaker's JSON files a parsed document is, from the members that only that kind has:
 * so that a statistics.json given where a constraints.json is expected (or a model-quality or
 * Clarify file given for a data-quality one) is named as such instead of being read leniently.
 */
import { CONSTRAINTS_KEY, METRICS_KEY } from './model-quality-model.js';

export type SageMakerFileKind =
  | 'data-quality statistics.json'
  | 'data-quality constraints.json'
  | 'model-quality statistics.json'
  | 'model-quality constraints.json'
  | 'Clarify analysis.json';

/** The kind of a parsed SageMaker JSON file, with the member that shows it; undefined when none shows. */
export function sageMakerFileKind(json: unknown): { kind: SageMakerFileKind; because: string } | undefined {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const has = (k: string): boolean => Object.hasOwn(json, k);
  const mq = (keys: Readonly<Record<string, string>>): string | undefined => Object.values(keys).find(has);
  const metrics = mq(METRICS_KEY);
  if (metrics !== undefined) return { kind: 'model-quality statistics.json', because: `"${metrics}"` };
  const constraints = mq(CONSTRAINTS_KEY);
  if (constraints !== undefined) return { kind: 'model-quality constraints.json', because: `"${constraints}"` };
  const bias = ['pre_training_bias_metrics', 'post_training_bias_metrics'].find(has);
  if (bias !== undefined) return { kind: 'Clarify analysis.json', because: `"${bias}"` };
  const features = (json as { features?: unknown }).features;
  const items = Array.isArray(features) ? features.filter((f): f is object => f !== null && typeof f === 'object') : [];
  const member = (keys: string[]): string | undefined => keys.find((k) => items.some((f) => Object.hasOwn(f, k)));
  const stat = member(['numerical_statistics', 'string_statistics']);
  if (stat !== undefined) return { kind: 'data-quality statistics.json', because: `features with "${stat}"` };
  const constraint = member(['completeness', 'num_constraints', 'string_constraints']);
  if (constraint !== undefined) return { kind: 'data-quality constraints.json', because: `features with "${constraint}"` };
  if (has('monitoring_config')) return { kind: 'data-quality constraints.json', because: '"monitoring_config"' };
  if (has('dataset')) return { kind: 'data-quality statistics.json', because: '"dataset"' };
  return undefined;
}
