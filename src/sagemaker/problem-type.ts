/** SageMaker Model Monitor's model-quality problem types (`problem_type`), spelled exactly. */
export const ProblemType = {
  REGRESSION: 'Regression',
  BINARY_CLASSIFICATION: 'BinaryClassification',
  MULTICLASS_CLASSIFICATION: 'MulticlassClassification',
} as const;
export type ProblemType = (typeof ProblemType)[keyof typeof ProblemType];
export const PROBLEM_TYPES: readonly ProblemType[] = Object.values(ProblemType);
