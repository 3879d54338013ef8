/**
 * Durable file replacement, for what a restart must find whole (checkpoints, the report spool):
 * write a temporary file, fsync it, rename it over the target, fsync the directory. A crash leaves
 * the old file or the new one, never a torn one; on failure the temporary file is removed.
 */
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function writeFileDurably(path: string, content: string | Uint8Array, tmp = `${path}.${process.pid}.tmp`): Promise<void> {
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(content);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await syncDir(dirname(path));
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
