/**
 * The configuration schema (TypeBox): one schema, validated by loadConfig, every violation listed.
 * Durations are strings (`5m`, `PT1H`) here and milliseconds in the resolved Config.
 */
import { Type, type Static } from 'typebox';

const Duration = Type.String({ description: 'duration: 500ms, 10s, 5m, 1h, 1d or ISO-8601 (PT1H, P8D)' });

export const RecordSchemaConfig = Type.Object(
  {
    format: Type.Optional(Type.Union([Type.Literal('sagemaker-capture'), Type.Literal('flat-json')])),
    inputs: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    outputs: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    outputsPosition: Type.Optional(Type.Union([Type.Literal('start'), Type.Literal('end')])),
    captureIndexNames: Type.Optional(Type.Array(Type.Union([Type.Literal('endpointInput'), Type.Literal('endpointOutput')]), { minItems: 1 })),
    inputPath: Type.Optional(Type.String()),
    outputPath: Type.Optional(Type.String()),
    featurePaths: Type.Optional(Type.Record(Type.String(), Type.String())),
    idField: Type.Optional(Type.String({ minLength: 1 })),
    timeField: Type.Optional(Type.String({ minLength: 1 })),
    timeUnit: Type.Optional(Type.Union([Type.Literal('ms'), Type.Literal('s')])),
    featuresField: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

export const SourceConfig = Type.Union([
  Type.Object(
    {
      type: Type.Literal('files'),
      /** Capture files: a file, or a directory searched recursively for *.jsonl / *.json / *.jsonl.gz. */
      paths: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
      /** Keep reading as files grow and new files appear. */
      follow: Type.Optional(Type.Boolean()),
      pollInterval: Type.Optional(Duration),
    },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('stdin') }, { additionalProperties: false }),
]);

export const MonitorConfig = Type.Object(
  {
    name: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' }),
    source: SourceConfig,
    record: Type.Optional(RecordSchemaConfig),
    baseline: Type.Object(
      {
        /** SageMaker statistics.json (baseline distributions; needed for baseline_drift_check). */
        statistics: Type.Optional(Type.String({ minLength: 1 })),
        /** SageMaker constraints.json. */
        constraints: Type.Optional(Type.String({ minLength: 1 })),
        /** Or: a directory holding both files. */
        dir: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false },
    ),
    windows: Type.Array(Duration, { minItems: 1 }),
    grace: Type.Optional(Duration),
    quantileSketch: Type.Optional(Type.Union([Type.Literal('kll'), Type.Literal('tdigest')])),
    maxFeatures: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    /** Max distinct categories counted exactly per feature per window before heavy-hitter mode. */
    categoryCap: Type.Optional(Type.Integer({ minimum: 10, maximum: 1_000_000 })),
    /** Records longer than this many characters are dead-lettered as line_too_long (default 16 Mi). */
    maxLineLength: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

export const ConfigSchema = Type.Object(
  {
    monitors: Type.Array(MonitorConfig, { minItems: 1 }),
    output: Type.Optional(
      Type.Object(
        {
          /** Local report directory. */
          dir: Type.Optional(Type.String({ minLength: 1 })),
          /** Dead-letter directory (default: <dir>/dead-letter). */
          deadLetterDir: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    http: Type.Optional(
      Type.Object(
        {
          enabled: Type.Optional(Type.Boolean()),
          host: Type.Optional(Type.String()),
          port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
        },
        { additionalProperties: false },
      ),
    ),
    log: Type.Optional(
      Type.Object(
        {
          level: Type.Optional(
            Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type ConfigInput = Static<typeof ConfigSchema>;
export type MonitorConfigInput = Static<typeof MonitorConfig>;
export type RecordSchemaInput = Static<typeof RecordSchemaConfig>;
export type SourceConfigInput = Static<typeof SourceConfig>;
