/**
 * How full the disk holding driftmon's state directory is (checkpoints, report spool): one of the
 * back-off signals (src/monitors/backoff.ts) and the driftmon_state_disk_usage_ratio gauge.
 *
 * Computed like `df` computes Use%: used / (used + available to unprivileged users), with
 * used = total blocks − free blocks. Blocks reserved for root count as neither, so a disk at
 * "100 %" is where a non-root driftmon can no longer write, even if root still could.
 */
import { statfs } from 'node:fs/promises';
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
