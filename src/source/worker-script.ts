/** Where a worker thread's script is: the built module; from dist/ when running from src/ (tests). */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `path`: the worker's file under src/, as built (`source/…-worker.js`, `monitors/hooks/hook-worker.js`). */
export function workerScript(path: string): URL {
  const built = new URL(`../${path}`, import.meta.url);
  return existsSync(fileURLToPath(built)) ? built : new URL(`../../dist/src/${path}`, import.meta.url);
}
