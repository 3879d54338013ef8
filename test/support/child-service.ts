/**
 * A server process a test owns (a private broker, S3 server, …): started with its output appended
 * to a log file, ready once a probe says so, stopped with SIGTERM (SIGKILL after a grace) and
 * startable again with the same command, so a test can simulate an outage. Killed when the test
 * process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ChildServiceSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  logFile: string;
  /** True once the server serves requests (polled every 100 ms). */
  ready: () => Promise<boolean>;
  readyTimeoutMs: number;
  /** SIGKILL when SIGTERM has not ended it after this long. */
  killAfterMs: number;
}

export class ChildService {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly killOnExit = (): void => {
    this.child?.kill('SIGKILL');
  };

  constructor(private readonly spec: ChildServiceSpec) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  async start(): Promise<void> {
    if (this.child !== undefined) return;
    const { name, command, args, env, logFile, ready, readyTimeoutMs } = this.spec;
    const log = openSync(logFile, 'a');
    const proc = spawn(command, args, { env: env ?? process.env, stdio: ['ignore', log, log] });
    closeSync(log);
    this.child = proc;
    let gone = false;
    this.exited = new Promise((resolve) =>
      proc.once('exit', () => {
        gone = true;
        if (this.child === proc) this.child = undefined;
        resolve();
      }),
    );
    process.once('exit', this.killOnExit);
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      if (gone) throw new Error(`${name} exited during start-up (log: ${logFile})`);
      if (await ready()) return;
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`${name} not ready after ${readyTimeoutMs / 1000} s (log: ${logFile})`);
      }
      await sleep(100);
    }
  }

  async stop(): Promise<void> {
    const proc = this.child;
    if (proc === undefined) return;
    proc.kill('SIGTERM');
    const killer = setTimeout(() => proc.kill('SIGKILL'), this.spec.killAfterMs);
    await this.exited;
    clearTimeout(killer);
    process.removeListener('exit', this.killOnExit);
  }
}

/** What a test sees of its private server. */
export interface PrivateServer {
  readonly port: number;
  readonly dataDir: string;
  readonly logFile: string;
  readonly running: boolean;
  /** Starts the server again (same port, same data) and resolves once it is ready. */
  start(): Promise<void>;
  /** Stops the server (SIGTERM, then SIGKILL after a grace); its data stays. */
  stop(): Promise<void>;
  /** Stops the server and deletes its folder. */
  cleanup(): Promise<void>;
}

/** The PrivateServer of a ChildService whose files live under root (deleted by cleanup). */
export function privateServer(server: ChildService, files: { port: number; dataDir: string; logFile: string; root: string }): PrivateServer {
  const { port, dataDir, logFile, root } = files;
  return {
    port,
    dataDir,
    logFile,
    get running() {
      return server.running;
    },
    start: () => server.start(),
    stop: () => server.stop(),
    cleanup: async () => {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
