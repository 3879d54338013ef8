/** The first of `candidates` that exists and is executable (a tool a test needs), or undefined. */
import { accessSync, constants } from 'node:fs';

export function firstExecutable(candidates: readonly (string | undefined)[]): string | undefined {
  for (const c of candidates) {
    if (c === undefined) continue;
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  return undefined;
}
