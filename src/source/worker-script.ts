/** Where a worker thread's script is: beside the built module; from dist/ when running from src/ (tests). */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `name`: the worker's file in src/source/, as built (`…-worker.js`). */
export function workerScript(name: string): URL {
  const built = new URL(`./${name}`, import.meta.url);
  return existsSync(fileURLToPath(built)) ? built : new URL(`../../dist/src/source/${name}`, import.meta.url);
}
