/**
 * The configuration schema (TypeBox): one schema, validated by loadConfig, every violation listed.
 * Durations are strings (`5m`, `PT1H`) here and milliseconds in the resolved Config.
 */
import { Type, type Static } from 'typebox';
import { PROBLEM_TYPES } from '../sagemaker/problem-type.js';

/** POST /v1/ground-truth (resolved and documented in ground-truth-ingest.ts). */
export const GroundTruthIngestConfig = Type.Object(
  {
    topic: Type.String({ minLength: 1 }),
    /** Default: the first Kafka monitor's brokers (with its ssl and sasl settings). */
    brokers: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    clientId: Type.Optional(Type.String({ minLength: 1 })),
    /** With brokers: connect over TLS. */
    ssl: Type.Optional(Type.Boolean()),
    /** Names of the environment variables holding the accepted bearer tokens (several: rotation). */
    tokenEnvs: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    bodyLimitBytes: Type.Optional(Type.Integer({ minimum: 1 })),
    stateDir: Type.Optional(Type.String({ minLength: 1 })),
    dedupRetention: Type.Optional(Type.String()),
    fields: Type.Optional(
      Type.Object(
        {
          idFields: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
          labelField: Type.Optional(Type.String({ minLength: 1 })),
          timeField: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type GroundTruthIngestInput = Static<typeof GroundTruthIngestConfig>;

const Duration = Type.String({ description: 'duration: 500ms, 10s, 5m, 1h, 1d or ISO-8601 (PT1H, P8D)' });

export const RecordSchemaConfig = Type.Object(
  {
    format: Type.Optional(
      Type.Union([Type.Literal('sagemaker-capture'), Type.Literal('flat-json'), Type.Literal('batch-transform-csv'), Type.Literal('batch-transform-jsonl')]),
    ),
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
      /**
       * Data-quality monitors: read and decode the files in a worker thread, beside the sketching.
       * auto (default): when there are 2 or more cores and the files hold 16 MiB or more.
       */
      decodeInWorker: Type.Optional(Type.Union([Type.Boolean(), Type.Literal('auto')])),
      /**
       * With decodeInWorker and no follow: decode in this many worker threads (files and byte ranges
       * of large files, applied in input order). auto (default): see app/file-decoding.ts.
       */
      decodeWorkers: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 64 }), Type.Literal('auto')])),
      /**
       * With decodeInWorker and no follow: the monitor thread decodes capture units too while it
       * would wait for a worker's (default false: on 2 cores faster only for the largest input
       * measured; README "Decoding in several worker threads").
       */
      decodeShare: Type.Optional(Type.Boolean()),
      /** Bytes per byte range of a large plain file decoded by several workers (default 8 MiB). */
      decodeRangeBytes: Type.Optional(Type.Integer({ minimum: 1 })),
      /** SageMaker batch-transform capture (resolved in batch-transform-config.ts; README "Batch-transform capture"). */
      batchTransform: Type.Optional(
        Type.Object(
          {
            /** `paths` are capture manifests (default true) or the transform output files themselves (false). */
            manifests: Type.Optional(Type.Boolean()),
            /** s3://… prefix → local directory holding a downloaded copy of what is below it. */
            prefixMap: Type.Optional(Type.Record(Type.String(), Type.String({ minLength: 1 }))),
            /** The S3 server of unmapped prefixes (default: output.s3's endpoint and region, else AWS). */
            s3: Type.Optional(
              Type.Object(
                { endpoint: Type.Optional(Type.String({ minLength: 1 })), region: Type.Optional(Type.String({ minLength: 1 })), forcePathStyle: Type.Optional(Type.Boolean()) },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('stdin') }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('kafka'),
      brokers: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
      /** Inference topics: SageMaker capture lines or flat JSON records; the key is the inference ID when set. */
      topics: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
      /** Consumer group (default driftmon-<monitor>). One process per group, unless scaleOut is set. */
      groupId: Type.Optional(Type.String({ minLength: 1 })),
      clientId: Type.Optional(Type.String({ minLength: 1 })),
      /** A group without committed offsets starts at the beginning of the topics (default: new messages only). */
      fromBeginning: Type.Optional(Type.Boolean()),
      /** Malformed messages go here (original bytes and key; reason and source offset in headers). */
      deadLetterTopic: Type.Optional(Type.String({ minLength: 1 })),
      /** Consume at most this many messages per second. */
      maxMessagesPerSecond: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
      /** A partition silent this long no longer holds windows open (default 30s). */
      partitionIdle: Type.Optional(Duration),
      /** The consumer group's session timeout (default 30s): how long a member that died holds its partitions. */
      sessionTimeout: Type.Optional(Duration),
      /** Fetch and decode Kafka's record batches in a worker thread (default false; pays with a core to spare). */
      fetchInWorker: Type.Optional(Type.Boolean()),
      /** Several driftmon processes share this monitor's partitions (docs/scale-out.md). */
      scaleOut: Type.Optional(
        Type.Object(
          {
            /** Internal topic of partial windows (default driftmon.<monitor>.partials). */
            partialsTopic: Type.Optional(Type.String({ minLength: 1 })),
            /** Its partitions when driftmon creates it (default: the input topics' partition count). */
            partialsPartitions: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
            /** Label monitors: internal topic of join records keyed by inference ID (default driftmon.<monitor>.keyed). */
            keyedTopic: Type.Optional(Type.String({ minLength: 1 })),
            /** Its partitions when driftmon creates it (default: the larger input topic's partition count). */
            keyedPartitions: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
            /** Label monitors: compacted changelog of the keyed partitions' join stores (default driftmon.<monitor>.changelog). */
            changelogTopic: Type.Optional(Type.String({ minLength: 1 })),
            /** Transactional ids are <prefix>.<group>.<topic>.<partition> (default driftmon). */
            transactionalIdPrefix: Type.Optional(Type.String({ minLength: 1 })),
          },
          { additionalProperties: false },
        ),
      ),
      ssl: Type.Optional(Type.Boolean()),
      sasl: Type.Optional(
        Type.Object(
          {
            mechanism: Type.Union([Type.Literal('plain'), Type.Literal('scram-sha-256'), Type.Literal('scram-sha-512')]),
            username: Type.String({ minLength: 1 }),
            /** Name of the environment variable holding the password (never the password itself). */
            passwordEnv: Type.String({ minLength: 1 }),
          },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false },
  ),
]);

export const BackoffConfig = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    /** Consumer lag (messages, summed over partitions) that counts as 100 % (default 1,000,000). */
    lagRecords: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Consumer lag in time that counts as 100 % (default 10m). */
    lagTime: Type.Optional(Duration),
    /** Used fraction of the state disk that counts as 100 % (default 1: sampling starts at 75 % used). */
    diskUsage: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    /** Fraction of inference IDs kept while backed off (default 0.25). */
    sampleRatio: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
  },
  { additionalProperties: false },
);

/**
 * Model quality and bias drift: predictions from the monitor's source joined with ground truth
 * from these topics on the inference ID. Windows are by inference time and stay open for labels
 * until the horizon.
 */
export const LabelsConfig = Type.Object(
  {
    /** Kafka monitors: ground-truth topics (SageMaker ground-truth records or flat JSON labels; key = event ID). */
    topics: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    /** File monitors (replay): ground-truth files or directories, read after every capture file. */
    paths: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    /** How long a prediction waits for its label (and a window stays open): ISO-8601 like P8D, or 8d. */
    horizon: Type.Optional(Duration),
    /** A window changed by new labels is re-reported at most this often (default 1m). */
    reemitInterval: Type.Optional(Duration),
    /** Model output holding the predicted label (SageMaker's InferenceAttribute). */
    inferenceAttribute: Type.Optional(Type.String({ minLength: 1 })),
    /** Model output holding the score (ProbabilityAttribute): predicted = score > threshold. */
    probabilityAttribute: Type.Optional(Type.String({ minLength: 1 })),
    /** ProbabilityThresholdAttribute (default 0.5). */
    probabilityThreshold: Type.Optional(Type.Number()),
    modelQuality: Type.Optional(
      Type.Object(
        {
          problemType: Type.Union(PROBLEM_TYPES.map((t) => Type.Literal(t))),
          /** Model-quality constraints.json (e.g. from `driftmon baseline model-quality`); without it, metrics only. */
          constraints: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    bias: Type.Optional(
      Type.Object(
        {
          /** Clarify analysis_config.json: label, label_values_or_threshold, facet, group_variable. */
          analysisConfig: Type.String({ minLength: 1 }),
          /** Baseline analysis.json (bias_drift_check); without it, metrics only. */
          baseline: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/**
 * An attribution monitor's live explanations (config/attribution-config.ts): a sample of each window,
 * chosen by inference-ID hash, explained off the hot path against Clarify's predictor.
 */
export const AttributionExplainConfig = Type.Object(
  {
    /** Clarify's analysis_config.json: predictor.endpoint_url, methods.shap (baseline, num_samples, seed, use_logit). */
    analysisConfig: Type.String({ minLength: 1 }),
    /** Records explained per window at most: those with the smallest inference-ID hashes (default 50). */
    samplesPerWindow: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Samples waiting for the endpoint at most; beyond it they are skipped and counted (default 1000). */
    queue: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Samples explained at once (default 2). */
    concurrency: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Per request to the endpoint (default 10s). */
    timeout: Type.Optional(Type.String()),
    /** Retries of a request after a connection error, timeout or 5xx (default 2). */
    retries: Type.Optional(Type.Integer({ minimum: 0 })),
    /** A closed window waits at most this long for its samples before it is reported (default 2m). */
    deadline: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/**
 * Feature attribution drift (Clarify's ModelExplainabilityMonitor) over attributions the model
 * returns with its predictions (config/attribution-config.ts resolves and checks it).
 */
export const AttributionConfig = Type.Object(
  {
    /** Baseline analysis.json (Clarify's explainability analysis; `driftmon baseline explainability`). */
    baseline: Type.String({ minLength: 1 }),
    /** Where the attributions are in the endpoint output's JSON: dot-separated keys ('' = the payload itself). */
    path: Type.Optional(Type.String()),
    /** Or, for a model explaining several outputs: the baseline's label → where its attributions are. */
    paths: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.String())),
    /** Feature names in the order array attributions hold them (default: the baseline's features, in its order). */
    features: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    /** With `path`: the baseline's label these attributions explain (default label0). */
    label: Type.Optional(Type.String({ minLength: 1 })),
    /** Clarify's agg_method for the global attribution: mean_abs (default), median or mean_sq. */
    aggMethod: Type.Optional(Type.String()),
    /** nDCG below this is a feature_attribution_drift_check violation (default 0.9, SageMaker's; in (0, 1]). */
    threshold: Type.Optional(Type.Number()),
    /** A window with fewer explained rows is reported as not evaluated (default 1). */
    minRows: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Instead of `path`/`paths`: explain a sample of each window with KernelSHAP against the model endpoint. */
    explain: Type.Optional(AttributionExplainConfig),
  },
  { additionalProperties: false },
);

/** Practical floors of the drift verdict's effect sizes (README, "Drift verdict"). */
const EffectFloors = Type.Object(
  {
    /** Wasserstein-1 in baseline standard deviations (default 0.1). */
    numeric: Type.Optional(Type.Number({ minimum: 0 })),
    /** Total variation between category distributions (default 0.04). */
    categorical: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    /** Absolute change of the missing share (default 0.02). */
    missing: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  },
  { additionalProperties: false },
);

/** A hook: a JavaScript module (path relative to the config file) and how long one call may take. */
const HookConfig = Type.Object(
  {
    module: Type.String({ minLength: 1 }),
    /** Per call (default 5s); a call over it is counted as a timeout and its thread restarted. */
    timeout: Type.Optional(Duration),
  },
  { additionalProperties: false },
);

export const MonitorConfig = Type.Object(
  {
    name: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' }),
    source: SourceConfig,
    record: Type.Optional(RecordSchemaConfig),
    /** Model quality / bias drift from joined labels (a label monitor: no data-quality baseline). */
    labels: Type.Optional(LabelsConfig),
    /** Feature attribution drift from attributions in the model's output (not with `labels` or `baseline`). */
    attribution: Type.Optional(AttributionConfig),
    /** Data quality: required unless the monitor has `labels` or `attribution`. */
    baseline: Type.Optional(Type.Object(
      {
        /** SageMaker statistics.json (baseline distributions; needed for baseline_drift_check). */
        statistics: Type.Optional(Type.String({ minLength: 1 })),
        /** SageMaker constraints.json. */
        constraints: Type.Optional(Type.String({ minLength: 1 })),
        /** Or: a directory holding both files. */
        dir: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false },
    )),
    windows: Type.Array(Duration, { minItems: 1 }),
    grace: Type.Optional(Duration),
    /** Records dated later than wall-clock now + this are dead-lettered as event_time_in_future (default 1h). */
    maxFutureSkew: Type.Optional(Duration),
    quantileSketch: Type.Optional(Type.Union([Type.Literal('kll'), Type.Literal('tdigest')])),
    maxFeatures: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    /** Max distinct categories counted exactly per feature per window before heavy-hitter mode. */
    categoryCap: Type.Optional(Type.Integer({ minimum: 10, maximum: 1_000_000 })),
    /** Records longer than this many characters are dead-lettered as line_too_long (default 16 Mi). */
    maxLineLength: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Kafka: how often window state and offsets are checkpointed (default 5s; also after windows close). */
    checkpointInterval: Type.Optional(Duration),
    /** Kafka: sampling by inference ID when lag or disk usage passes 75 % of its budget. */
    backoff: Type.Optional(BackoffConfig),
    /** User code around the pipeline (config/hooks-config.ts): a record pre-processor, a report post-processor. */
    hooks: Type.Optional(Type.Object({ preprocess: Type.Optional(HookConfig), postprocess: Type.Optional(HookConfig) }, { additionalProperties: false })),
    /** driftmon's drift verdict (README, "Drift verdict"): family-wise alpha and effect floors. */
    driftVerdict: Type.Optional(Type.Object(
      {
        alpha: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 0.5 })),
        floors: Type.Optional(EffectFloors),
        /** Feature name → its own floors. */
        features: Type.Optional(Type.Record(Type.String(), EffectFloors)),
      },
      { additionalProperties: false },
    )),
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
          /** Reports to S3 instead of dir (spooled under state.dir while S3 is unreachable). */
          s3: Type.Optional(
            Type.Object(
              {
                bucket: Type.String({ minLength: 1 }),
                prefix: Type.Optional(Type.String()),
                /** For S3-compatible servers (MinIO, versitygw, …); default: AWS. */
                endpoint: Type.Optional(Type.String({ minLength: 1 })),
                region: Type.Optional(Type.String({ minLength: 1 })),
                forcePathStyle: Type.Optional(Type.Boolean()),
                /** 'when_required' (default; works with non-AWS servers) or 'when_supported' (the SDK's CRC checksums). */
                checksums: Type.Optional(Type.Union([Type.Literal('when_required'), Type.Literal('when_supported')])),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    state: Type.Optional(
      Type.Object(
        {
          /** Checkpoints and the report spool (default driftmon-state). Its disk's usage drives back-off. */
          dir: Type.Optional(Type.String({ minLength: 1 })),
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
    /** POST /v1/ground-truth: labels validated and produced to a Kafka topic (config/ground-truth-ingest.ts). */
    groundTruthIngest: Type.Optional(GroundTruthIngestConfig),
    /** What happens when a window has violations (config/actions-config.ts). */
    actions: Type.Optional(
      Type.Object(
        {
          webhook: Type.Optional(
            Type.Object(
              {
                /** http(s) URL that receives one POST (JSON) per window report with violations. */
                url: Type.String({ minLength: 1 }),
                /** Per attempt (default 10s). */
                timeout: Type.Optional(Duration),
                /** Attempts after the first, with capped backoff (default 5). */
                retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 20 })),
                /** Header name → the environment variable holding its value (tokens stay out of the file). */
                headerEnvs: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }))),
              },
              { additionalProperties: false },
            ),
          ),
          /** One message per window report with violations on a Kafka topic, exactly once (sink/violations-topic.ts). */
          kafka: Type.Optional(
            Type.Object(
              {
                topic: Type.String({ minLength: 1, maxLength: 200 }),
                /** Default: each monitor's Kafka source's brokers (and TLS/SASL); required when a monitor reads files or stdin. */
                brokers: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
                /** How far back a start reads the topic for windows already sent (default 7d). */
                lookback: Type.Optional(Duration),
              },
              { additionalProperties: false },
            ),
          ),
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
    /**
     * SIGTERM/SIGINT end the process within this (default 30s) whatever the broker does: the open
     * windows are checkpointed locally, offsets committed if the broker answers in time.
     */
    shutdownTimeout: Type.Optional(Duration),
  },
  { additionalProperties: false },
);

export type ConfigInput = Static<typeof ConfigSchema>;
export type MonitorConfigInput = Static<typeof MonitorConfig>;
export type RecordSchemaInput = Static<typeof RecordSchemaConfig>;
export type LabelsConfigInput = Static<typeof LabelsConfig>;
export type AttributionConfigInput = Static<typeof AttributionConfig>;
export type AttributionExplainConfigInput = Static<typeof AttributionExplainConfig>;
