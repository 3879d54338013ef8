/**
 * The one atomic file replacement: write a temporary file, rename it over the target; readers see
 * the old file or the new one, never a torn one, and on failure the temporary file is removed.
 * Durable by default, for what a restart must find whole (checkpoints, the report spool, the join
 * store's manifest): the file is fsynced before the rename and the directory after it.
 */
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface ReplaceFileOptions {
  /** The temporary file (default `<path>.<pid>.tmp`). */
  tmp?: string;
  /**
   * fsync the file and its directory (default true). Local report files skip it: a reader needs
   * them whole, and after a crash the windows past the last checkpoint are reported again anyway.
   */
  durable?: boolean;
}

export async function replaceFile(path: string, content: string | Uint8Array, options: ReplaceFileOptions = {}): Promise<void> {
  const { tmp = `${path}.${process.pid}.tmp`, durable = true } = options;
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(content);
      if (durable) await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  if (durable) await syncDir(dirname(path));
}

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | null)?.code;

/** fsync a directory so a rename in it survives a crash (platforms that cannot are skipped). */
async function syncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
  } catch (e) {
    if (errno(e) === 'EISDIR' || errno(e) === 'EPERM') return;
    throw e;
  }
  try {
    await fh.sync();
  } catch (e) {
    if (errno(e) !== 'EINVAL' && errno(e) !== 'EPERM' && errno(e) !== 'EISDIR') throw e;
  } finally {
    await fh.close();
  }
}
