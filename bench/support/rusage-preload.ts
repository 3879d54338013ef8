/**
 * Preloaded into a bench's child process (`node --import <this file's URL> …`): when the process
 * exits, it writes process.resourceUsage() (CPU time of every thread, peak RSS) as JSON to the
 * file named by DRIFTMON_BENCH_RUSAGE, so a bench reads the same figures from driftmon and from
 * its baseline program alike. Without that variable it does nothing.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.DRIFTMON_BENCH_RUSAGE;
if (target !== undefined && target !== '') {
  process.on('exit', () => {
    writeFileSync(target, JSON.stringify(process.resourceUsage()));
  });
}
