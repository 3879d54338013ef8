/**
 * The command line: thin commands that parse options and call the app. Each action returns an
 * exit code; nothing here touches `process`.
 */
import { Command, Option } from 'commander';
import { ExitCode } from '../errors.js';
import type { CliIo } from './io.js';
import { DEFAULT_LABEL_TOKEN_ENV, LABEL_EXIT_CODES_HELP, labelCommand } from './label-command.js';

export const EXIT_CODES_HELP = `
Exit codes:
  0  success (for check/replay: also when violations were found, unless --fail-on-violation)
  1  internal error (a bug: please report it)
  2  bad usage or invalid configuration (every problem is listed)
  3  an input could not be found or read (data, baseline, statistics or constraints file);
     for run/replay also: no input at all, or no valid record in it
  4  violations found, with --fail-on-violation
  5  a source, sink or model endpoint failed at run time (report directory not writable, port in use,
     model unreachable or answering malformed output, …)
  6  stopped by SIGTERM/SIGINT, but offsets not committed within the shutdown timeout (broker down);
     the next start resumes from the local checkpoint
`;

export interface Program {
  run(argv: readonly string[]): Promise<number>;
}

/**
 * Each command's module is imported when the command runs: one command does not load the others'
 * dependencies (a replay neither papaparse nor hyparquet), which is start-up time on every run.
 */
export function buildProgram(io: CliIo): Program {
  let exitCode: number = ExitCode.OK;
  const set = (p: Promise<number>): Promise<void> => p.then((c) => void (exitCode = c));

  const program = new Command('driftmon')
    .description('Real-time drift monitoring for ML models over Kafka or capture files, compatible with SageMaker Model Monitor.')
    .version('0.1.0')
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError();

  const baseline = program.command('baseline').description('build SageMaker-compatible baselines (statistics.json, constraints.json, analysis.json)');
  baseline
    .command('data')
    .description('data-quality baseline from a training dataset (CSV with or without header, JSON Lines, Parquet)')
    .requiredOption('--input <file>', 'dataset file')
    .requiredOption('--output <dir>', 'where to write statistics.json and constraints.json')
    .addOption(new Option('--format <format>', 'input format (default: from the file extension)').choices(['csv', 'jsonl', 'parquet']))
    .addOption(new Option('--header <mode>', 'CSV header row').choices(['true', 'false', 'auto']).default('auto'))
    .addOption(
      new Option('--nested <mode>', 'JSON Lines/Parquet nested values: one JSON-text value (as live decoding does) or flattened a.b names')
        .choices(['json', 'flatten'])
        .default('json'),
    )
    .addHelpText('after', EXIT_CODES_HELP)
    .action((opts) => set(import('./baseline-command.js').then((m) => m.baselineDataCommand(io, opts))));
  baseline
    .command('bias')
    .description('bias baseline (SageMaker Clarify analysis.json, pre- and post-training metrics) from a dataset and an analysis_config.json')
    .requiredOption('--input <file>', 'dataset file (CSV with or without header, JSON Lines, Parquet)')
    .requiredOption('--analysis-config <file>', 'Clarify analysis_config.json (label, facet, group_variable, headers, methods)')
    .requiredOption('--output <dir>', 'where to write analysis.json')
    .option('--predicted-label <column>', 'column of the predicted label (enables post-training metrics)')
    .option('--probability-attribute <column>', 'column of the score; > probability_threshold predicts positive (enables post-training metrics)')
    .addOption(new Option('--format <format>', 'input format (default: from the file extension)').choices(['csv', 'jsonl', 'parquet']))
    .addOption(new Option('--header <mode>', 'CSV header row').choices(['true', 'false', 'auto']).default('auto'))
    .addHelpText('after', EXIT_CODES_HELP)
    .action((opts) => set(import('./baseline-bias-command.js').then((m) => m.baselineBiasCommand(io, opts))));
  baseline
    .command('explainability')
    .description('feature-attribution baseline (SageMaker Clarify analysis.json, kernel SHAP) from a dataset, an analysis_config.json and the model over HTTP')
    .requiredOption('--input <file>', 'dataset to explain (CSV with or without header, JSON Lines, Parquet)')
    .requiredOption('--analysis-config <file>', 'Clarify analysis_config.json (headers, label, methods.shap, predictor with endpoint_url)')
    .requiredOption('--output <dir>', 'where to write analysis.json (and explanations_shap/out.csv with save_local_shap_values)')
    .addOption(new Option('--format <format>', 'input format (default: from the file extension)').choices(['csv', 'jsonl', 'parquet']))
    .addOption(new Option('--header <mode>', 'CSV header row').choices(['true', 'false', 'auto']).default('auto'))
    .option('--batch-rows <n>', 'rows per request to the model', '1000')
    .option('--concurrency <n>', 'requests to the model in flight at most', '4')
    .option('--timeout <duration>', 'per request to the model', '60s')
    .option('--retries <n>', 'retries of a request after a connection error, timeout or 5xx answer', '3')
    .addHelpText('after', EXIT_CODES_HELP)
    .action((opts) => set(import('./baseline-explainability-command.js').then((m) => m.baselineExplainabilityCommand(io, opts))));
  baseline
    .command('model-quality')
    .description('model-quality baseline (SageMaker ModelQualityMonitor) from predictions with ground truth (CSV, JSON Lines, Parquet)')
    .requiredOption('--input <file>', 'dataset with predictions and labels')
    .requiredOption('--output <dir>', 'where to write statistics.json and constraints.json')
    .addOption(
      new Option('--problem-type <type>', 'problem type')
        .choices(['Regression', 'BinaryClassification', 'MulticlassClassification'])
        .makeOptionMandatory(),
    )
    .requiredOption('--inference-attribute <column>', 'column (name or index) of the predicted label/value')
    .option('--probability-attribute <column>', 'binary: column of the probability of class 1')
    .option('--probability-threshold <x>', 'binary: probability > x predicts 1 (default 0.5)')
    .requiredOption('--ground-truth-attribute <column>', 'column of the ground truth')
    .option('--inference-id-attribute <column>', 'column of the inference ID (default: the row index)')
    .addOption(new Option('--format <format>', 'input format (default: from the file extension)').choices(['csv', 'jsonl', 'parquet']))
    .addOption(new Option('--header <mode>', 'CSV header row').choices(['true', 'false', 'auto']).default('auto'))
    .addHelpText('after', EXIT_CODES_HELP)
    .action((opts) => set(import('./baseline-model-quality-command.js').then((m) => m.baselineModelQualityCommand(io, opts))));

  program
    .command('check')
    .description('evaluate statistics.json against constraints.json offline, as a SageMaker monitoring job would')
    .requiredOption('--statistics <file>', 'current statistics.json (SageMaker- or driftmon-produced)')
    .requiredOption('--constraints <file>', 'constraints.json')
    .option('--baseline-statistics <file>', 'baseline statistics.json (enables baseline_drift_check)')
    .option('--output <file>', 'write constraint_violations.json here (default: stdout)')
    .option('--fail-on-violation', 'exit with code 4 when there are violations', false)
    .addHelpText('after', EXIT_CODES_HELP)
    .action((opts) => set(import('./check-command.js').then((m) => m.checkCommand(io, opts))));

  program
    .command('run')
    .description('run the streaming monitors of a config file, serving /metrics, until stopped (SIGTERM/SIGINT)')
    .requiredOption('--config <file>', 'driftmon config (YAML or JSON)')
    .option('--shutdown-timeout <duration>', "SIGTERM/SIGINT end the process within this (default: the config's shutdownTimeout, else 30s)")
    .addHelpText('after', EXIT_CODES_HELP)
    .action((opts) => set(import('./run-command.js').then((m) => m.runCommand(io, opts))));

  program
    .command('replay')
    .description('run the same pipeline over capture files, then exit: the on-demand job')
    .option('--config <file>', 'driftmon config (instead of the options below)')
    .option('--capture <path...>', 'capture files or directories')
    .option('--baseline <dir>', 'directory with statistics.json and constraints.json')
    .option('--window <duration...>', 'window size(s): 10s, 5m, 1h, PT1H …')
    .option('--grace <duration>', 'how long a window waits for out-of-order records', '0s')
    .option('--max-future-skew <duration>', 'records dated later than now + this are dead-lettered (event_time_in_future)', '1h')
    .option('--output <dir>', 'report directory', 'driftmon-out')
    .option('--inputs <names>', "comma-separated input column names (default, as SageMaker: the baseline's feature names when the counts match, else _c0, _c1, …)")
    .option('--outputs <names>', 'comma-separated model output column names')
    .option('--time-field <name>', 'flat-json: the top-level event-time field (default inferenceTime)')
    .addOption(new Option('--format <format>', 'record format').choices(['sagemaker-capture', 'flat-json', 'batch-transform-csv', 'batch-transform-jsonl']).default('sagemaker-capture'))
    .option('--batch-outputs', 'batch-transform formats: --capture names the transform output files, not capture manifests', false)
    .option('--prefix-map <s3prefix=dir...>', 'batch-transform manifests: read objects below an s3:// prefix from a local copy')
    .option('--s3-endpoint <url>', 'batch-transform manifests: the S3 server of unmapped s3:// prefixes (default AWS)')
    .option('--port <port>', 'also serve /metrics on this port while replaying')
    .addOption(
      new Option('--decode-in-worker <when>', 'read and decode the capture files in a worker thread, beside the sketching (auto: with 2+ cores and 16 MiB+ of input)')
        .choices(['auto', 'on', 'off'])
        .default('auto'),
    )
    .addOption(new Option('--decode-share <on|off>', 'with the files decoded in worker threads: the monitor thread decodes too while it would wait').choices(['on', 'off']).default('off'))
    .option('--decode-workers <n|auto>', 'with the files decoded in worker threads: how many (auto: one per core but the monitor\'s, 1 to 4)', 'auto')
    .option('--fail-on-violation', 'exit with code 4 when any window has violations', false)
    .addHelpText('after', EXIT_CODES_HELP)
    .action((opts) => set(import('./run-command.js').then((m) => m.replayCommand(io, opts))));

  program
    .command('demo')
    .description('the embedded default: baseline + streaming pipeline on the bundled example data, no services needed')
    .option('--output <dir>', 'where to write baseline, reports and dead letters', 'driftmon-out/demo')
    .option('--port <port>', 'port for /metrics (0 = any free port)', '9464')
    .option('--exit', 'exit after the run instead of serving /metrics until Ctrl-C', false)
    .addHelpText('after', EXIT_CODES_HELP)
    .action((opts) => set(import('./demo-command.js').then((m) => m.demoCommand(io, opts))));

  program
    .command('label')
    .description('send ground-truth JSON Lines files (SageMaker ground-truth records or flat {"inferenceId","label"}) to a driftmon serving POST /v1/ground-truth')
    .argument('<file...>', 'JSON Lines files of ground-truth records')
    .option('--url <url>', 'the driftmon HTTP server (http://host:port) or the full endpoint URL')
    .option('--token-env <name>', 'environment variable holding the bearer token', DEFAULT_LABEL_TOKEN_ENV)
    .option('--batch <n>', 'records per request', '1000')
    .option('--max-bytes <n>', 'bytes per request at most (halved automatically when the server answers 413)', String(4 * 1024 * 1024))
    .option('--retries <n>', 'retries of a request after a network error or 5xx answer', '2')
    .addHelpText('after', LABEL_EXIT_CODES_HELP)
    .action((files: string[], opts) => set(labelCommand(io, files, opts)));

  return {
    async run(argv) {
      await program.parseAsync(argv as string[]);
      return exitCode;
    },
  };
}
