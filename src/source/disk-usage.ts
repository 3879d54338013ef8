/**
 * How full the disk holding driftmon's state directory is (checkpoints, report spool): one of the
 * back-off signals (src/monitors/backoff.ts) and the driftmon_state_disk_usage_ratio gauge.
 *
 * Computed like `df` computes Use%: used / (used + available to unprivileged users), with
 * used = total blocks − free blocks. Blocks reserved for root count as neither, so a disk at
 * "100 %" is where a non-root driftmon can no longer write, even if root still could.
 */
import { statfs } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { StateDiskMetrics } from '../observability/component-metrics.js';
import { DriftmonError, ErrorCode } from '../errors.js';

/** Used fraction (0–1) of the filesystem holding path; 0 for a filesystem with no blocks (procfs and the like). */
export async function diskUsage(path: string): Promise<number> {
  let s: Awaited<ReturnType<typeof statfs>>;
  try {
    s = await statfs(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'ENOTDIR' ? 'a parent is not a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new DriftmonError(ErrorCode.INPUT_NOT_FOUND, `cannot measure disk usage of ${path}: ${why}`, { cause: e });
  }
  const used = s.blocks - s.bfree;
  const total = used + s.bavail;
  return total > 0 ? used / total : 0;
}

/** Samples the state disk's usage every few seconds for back-off and the gauge. */
export class DiskWatch {
  usage: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private warned = false;

  constructor(
    private readonly path: string,
    private readonly metrics: StateDiskMetrics,
    private readonly logger: Logger,
    private readonly everyMs = 5_000,
  ) {}

  async start(): Promise<void> {
    await this.sample();
    this.timer = setInterval(() => void this.sample(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async sample(): Promise<void> {
    try {
      this.usage = await diskUsage(this.path);
      this.metrics.stateDiskUsage.set(this.usage);
    } catch (e) {
      if (!this.warned) this.logger.warn({ err: e, path: this.path }, 'cannot measure state disk usage');
      this.warned = true;
    }
  }
}
