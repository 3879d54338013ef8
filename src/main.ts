#!/usr/bin/env node
/**
 * The only file that touches the process: argv, env, signals, stdio and the exit code.
 */
import { buildProgram } from './cli/program.js';
import { DriftmonError, ErrorCode, ExitCode, exitCodeFor, isDriftmonError } from './errors.js';

const controller = new AbortController();
let signals = 0;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    signals++;
    if (signals > 1) process.exit(ExitCode.RUNTIME); // a second Ctrl-C: stop now
    controller.abort(new DriftmonError(ErrorCode.INTERNAL, `received ${sig}`));
  });
}

const io = {
  env: process.env,
  stdin: process.stdin,
  out: (text: string) => process.stdout.write(text),
  err: (text: string) => process.stderr.write(text),
  isTTY: Boolean(process.stderr.isTTY),
  signal: controller.signal,
};

try {
  process.exitCode = await buildProgram(io).run(process.argv);
} catch (e) {
  process.exitCode = report(e);
}
// Stopped by a signal (the command has checkpointed, or given up at the shutdown timeout) or by a
// source failure: what kafkajs may still be retrying against a broker that is down must not keep
// the process alive.
if (signals > 0 || process.exitCode === ExitCode.RUNTIME) process.exit();

function report(e: unknown): number {
  if (e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('commander.')) {
    // commander printed its own message (or the help / version text)
    return (e as { exitCode?: number }).exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
  }
  if (isDriftmonError(e)) {
    io.err(`driftmon: ${e.message}\n`);
    for (const d of e.details) io.err(`  - ${d}\n`);
    return exitCodeFor(e);
  }
  io.err(`driftmon: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return ExitCode.INTERNAL;
}
