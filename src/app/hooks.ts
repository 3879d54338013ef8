/**
 * Composition of the monitors' hooks (config/hooks-config.ts): each configured hook's thread is
 * started before any monitor reads a record, so a module that does not load or lacks its export is
 * a config problem (exit 2), every monitor's listed at once. Then a monitor's record pre-processor
 * goes into its pipeline and its post-processor in front of the report sink it writes to.
 */
import type { Logger } from 'pino';
import type { Config, MonitorSettings } from '../config/load.js';
import { DriftmonError, ErrorCode } from '../errors.js';
import { HookRunner } from '../monitors/hooks/hook-runner.js';
import type { HookMetrics } from '../observability/component-metrics.js';
import { PostprocessActionSink } from '../sink/postprocess-action.js';
import type { ReportSink } from '../sink/report.js';

export interface MonitorHooks {
  /** A data-quality monitor's record pre-processor (MonitorDeps.preprocess). */
  preprocessOf(monitor: string): HookRunner | undefined;
  /** The sink a monitor writes its reports to: `reports`, behind its post-processor if it has one. */
  reportsOf(monitor: string, reports: ReportSink): ReportSink;
  close(): Promise<void>;
}

export async function startHooks(config: Config, metrics: HookMetrics, logger: Logger): Promise<MonitorHooks> {
  const runners = new Map<string, { preprocess?: HookRunner; postprocess?: HookRunner }>();
  const all: { runner: HookRunner; at: string }[] = [];
  const runner = (m: MonitorSettings, i: number, kind: 'preprocess' | 'postprocess'): HookRunner | undefined => {
    const h = m.hooks?.[kind];
    if (h === undefined) return undefined;
    const r = new HookRunner(m.name, h, m.maxFeatures, metrics, logger);
    all.push({ runner: r, at: `/monitors/${i}/hooks/${kind}/module: ${h.modulePath}` });
    return r;
  };
  config.monitors.forEach((m, i) => {
    const preprocess = runner(m, i, 'preprocess');
    const postprocess = runner(m, i, 'postprocess');
    if (preprocess !== undefined || postprocess !== undefined) runners.set(m.name, { ...(preprocess ? { preprocess } : {}), ...(postprocess ? { postprocess } : {}) });
  });
  const problems = (await Promise.all(all.map(async ({ runner: r, at }) => ((why) => (why === undefined ? undefined : `${at} ${why}`))(await r.start())))).filter((p): p is string => p !== undefined);
  const close = async (): Promise<void> => void (await Promise.all(all.map(({ runner: r }) => r.close())));
  if (problems.length > 0) {
    await close();
    throw new DriftmonError(ErrorCode.CONFIG_INVALID, `config has ${problems.length} hook problem${problems.length === 1 ? '' : 's'}`, { details: problems });
  }
  const sinks: PostprocessActionSink[] = [];
  return {
    preprocessOf: (monitor) => runners.get(monitor)?.preprocess,
    reportsOf(monitor, reports) {
      const post = runners.get(monitor)?.postprocess;
      if (post === undefined) return reports;
      const sink = new PostprocessActionSink(reports, monitor, post, metrics, logger);
      sinks.push(sink);
      return sink;
    },
    async close() {
      for (const s of sinks) await s.close();
      await close();
    },
  };
}
