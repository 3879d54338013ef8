/**
 * One tool run of bench:peers as its own process: wall time, peak RSS (VmHWM from /proc, polled
 * every 20 ms: Linux only) and its output.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
  wallS: number;
  peakRssMb: number;
}

export async function runMeasured(cmd: string, args: string[], cwd?: string): Promise<ProcessRun> {
  const started = process.hrtime.bigint();
  const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => err.push(d));
  let peakKb = 0;
  const readPeak = () => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      // gone
    }
  };
  const poll = setInterval(readPeak, 20);
  let wallS = 0;
  child.on('exit', () => {
    clearInterval(poll);
    wallS = Number(process.hrtime.bigint() - started) / 1e9;
  });
  // 'close' comes after 'exit' and after the output streams have ended
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), wallS, peakRssMb: peakKb / 1024 };
}

/** The run, or an error naming the command and its stderr's tail when it failed. */
export async function runChecked(cmd: string, args: string[], cwd?: string): Promise<ProcessRun> {
  const r = await runMeasured(cmd, args, cwd);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}:\n${r.stderr.slice(-3000)}`);
  return r;
}
