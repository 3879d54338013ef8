/**
 * A finished run that had nothing to monitor — no input at all (an empty capture folder, no file
 * matched, empty stdin) or no valid record (every record rejected) — is a failure, not "no
 * violations": said on stderr with what was read and why records were rejected, and exit 3.
 */
import type { Config } from '../config/load.js';
import { RecordErrorReason } from '../errors.js';
import type { MonitorSummary } from '../monitors/data-quality/data-quality-monitor.js';
import type { CliIo } from './io.js';

/** How many rejection reasons the message names. */
const TOP_REASONS = 3;

/**
 * Name every data-quality monitor whose source ended with no valid row. Returns how many there
 * were. Monitors stopped by a signal (or streaming from Kafka) are not judged: they did not end.
 */
export function reportEmptyRuns(io: CliIo, summaries: readonly MonitorSummary[], config: Config): number {
  let empty = 0;
  for (const s of summaries) {
    if (!s.finished || s.rows > 0) continue;
    empty++;
    const settings = config.monitors.find((m) => m.name === s.monitor);
    const source = settings?.source;
    const where = source?.type === 'files' ? `${s.inputFiles ?? 0} file(s) under ${source.paths.join(', ')}` : 'stdin';
    if (s.records === 0) {
      const batch = source?.type === 'files' && source.batchTransform !== undefined;
      const what = source?.type !== 'files' ? '' : batch ? ' (batch-transform manifests *.json, or output files)' : ' (capture files: *.jsonl, *.json, optionally .gz)';
      io.err(`driftmon: monitor ${s.monitor} read no input: ${where}${what} held no record\n`);
      continue;
    }
    const reasons = Object.entries(s.invalid)
      .map(([reason, n]) => [reason, n ?? 0] as const)
      .sort((a, b) => b[1] - a[1]);
    const top = reasons.slice(0, TOP_REASONS).map(([r, n]) => `${r} ${n}`).join(', ');
    io.err(`driftmon: monitor ${s.monitor} found no valid record: read ${where}, ${s.records} records, 0 valid; rejected: ${top}\n`);
    const record = settings?.record;
    const top0 = reasons[0]?.[0];
    if (record?.format?.startsWith('batch-transform') && (top0 === RecordErrorReason.MISSING_EVENT_TIME || top0 === RecordErrorReason.BAD_EVENT_TIME)) {
      io.err("  batch-transform output carries a time only when the job's DataCaptureConfig has GenerateInferenceId=true (the two trailing CSV columns, or SageMakerInferenceTime)\n");
    } else if (top0 === RecordErrorReason.MISSING_EVENT_TIME) {
      io.err(
        record?.format === 'flat-json'
          ? `  flat JSON records need their event time in the top-level field "${record.timeField ?? 'inferenceTime'}" (ISO-8601, or epoch milliseconds); ` +
              'name another field with --time-field (replay) or record.timeField (config), and set record.timeUnit: s for epoch seconds\n'
          : '  capture lines need eventMetadata.inferenceTime (ISO-8601); for flat JSON records use --format flat-json (replay) or record.format (config)\n',
      );
    }
  }
  return empty;
}
