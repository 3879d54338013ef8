/** The human summary printed after a run: counts, where the reports are, what drifted. */
import type { Config } from '../config/load.js';
import type { AttributionMonitorSummary } from '../monitors/attribution/attribution-monitor.js';
import type { LabelMonitorSummary } from '../monitors/label/label-summary.js';
import type { MonitorSummary } from '../monitors/data-quality/data-quality-monitor.js';
import type { CliIo } from './io.js';

export function printSummary(io: CliIo, summaries: MonitorSummary[], config: Config): void {
  for (const s of summaries) {
    const invalid = Object.values(s.invalid).reduce((a, b) => a + (b ?? 0), 0);
    io.out(`\nmonitor ${s.monitor}: ${s.records} records, ${s.rows} rows, ${invalid} invalid, ${s.windowsClosed} windows (${s.windowsWithViolations} with violations)\n`);
    if (invalid > 0) {
      const reasons = Object.entries(s.invalid).map(([r, n]) => `${r} ${n}`).join(', ');
      io.out(`  invalid records by reason: ${reasons} → ${config.output.deadLetterDir}/${s.monitor}.jsonl\n`);
    }
    if (s.blankLines > 0) io.out(`  blank lines skipped: ${s.blankLines}\n`);
    const pre = s.preprocess;
    if (pre !== undefined) io.out(`  record pre-processor: ${pre.kept} kept, ${pre.dropped} dropped, ${pre.invalid} invalid, ${pre.failed} failed, ${pre.timeout} timed out\n`);
    if (s.columnNaming?.fromBaseline) io.out(`  headerless columns named after the baseline's ${s.columnNaming.baselineFeatures} features, in order\n`);
    for (const w of s.warnings) io.out(`  warning: ${w}\n`);
    const late = Object.entries(s.lateRows).filter(([, n]) => n > 0);
    if (late.length > 0) io.out(`  late rows: ${late.map(([w, n]) => `${w} ${n}`).join(', ')}\n`);
    const features = Object.keys(s.violations).sort();
    if (features.length === 0) {
      io.out(s.rows === 0 ? '  nothing evaluated: no valid row\n' : '  no violations\n');
    } else {
      io.out('  violations (feature: check × windows):\n');
      for (const f of features) {
        const checks = Object.entries(s.violations[f] ?? {}).map(([c, n]) => `${c} × ${n}`).join(', ');
        io.out(`    ${f}: ${checks}\n`);
      }
    }
    const drifted = Object.keys(s.drifted).sort();
    if (drifted.length > 0) io.out(`  drifted (driftmon's verdict, feature × windows): ${drifted.map((f) => `${f} × ${s.drifted[f]}`).join(', ')}\n`);
    io.out(`  reports: ${config.output.dir}/${s.monitor}/ (index.jsonl lists every window)\n`);
  }
}

export function printLabelSummary(io: CliIo, summaries: LabelMonitorSummary[], config: Config): void {
  for (const s of summaries) {
    const invalid = Object.values(s.invalid).reduce((a, b) => a + (b ?? 0), 0);
    io.out(
      `\nlabel monitor ${s.monitor}: ${s.predictions} predictions, ${s.labels} labels, ${s.joined} joined, ` +
        `${s.expiredPredictions} expired, ${s.orphanLabels} orphan labels, ${s.duplicatePredictions + s.duplicateLabels} duplicates, ${invalid} invalid\n`,
    );
    if (invalid > 0) io.out(`  invalid records by reason: ${Object.entries(s.invalid).map(([r, n]) => `${r} ${n}`).join(', ')}\n`);
    if (s.blankLines > 0) io.out(`  blank lines skipped: ${s.blankLines}\n`);
    io.out(`  ${s.reports} window reports (${s.finalReports} final): ${config.output.dir}/${s.monitor}/\n`);
  }
}

export function printAttributionSummary(io: CliIo, summaries: AttributionMonitorSummary[], config: Config): void {
  for (const s of summaries) {
    const invalid = Object.values(s.invalid).reduce((a, b) => a + (b ?? 0), 0);
    io.out(`\nattribution monitor ${s.monitor}: ${s.records} records, ${s.rows} explained rows, ${s.lateRows} late rows, ${invalid} invalid\n`);
    if (invalid > 0) io.out(`  invalid records by reason: ${Object.entries(s.invalid).map(([r, n]) => `${r} ${n}`).join(', ')} → ${config.output.deadLetterDir}/${s.monitor}.jsonl\n`);
    if (s.blankLines > 0) io.out(`  blank lines skipped: ${s.blankLines}\n`);
    const x = s.samples;
    if (x !== undefined) io.out(`  samples explained against the endpoint: ${x.explained} explained, ${x.failed} failed, ${x.skipped} skipped (queue full), ${x.unfinished} unfinished\n`);
    io.out(`  ${s.windowsClosed} windows, ${s.windowsWithViolations} with feature_attribution_drift_check violations, ${s.windowsNotEvaluated} not evaluated: ${config.output.dir}/${s.monitor}/\n`);
  }
}
