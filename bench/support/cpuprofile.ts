/**
 * Summaries of a V8 .cpuprofile (node --cpu-prof): self time per function, inclusive time per
 * function (each function counted once per sample however deep it recurses), and self time by
 * area (kafkajs, driftmon's modules, GC, idle, …). Times come from the profile's timeDeltas.
 * Self time in node core (Buffer copies, streams) is charged to whoever called it only in the
 * inclusive view.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface FunctionTime {
  function: string;
  where: string;
  ms: number;
  /** Share of the busy (non-idle) time. */
  share: number;
}

export interface ProfileSummary {
  total_ms: number;
  busy_ms: number;
  idle_ms: number;
  top_self: FunctionTime[];
  top_inclusive: FunctionTime[];
  by_area: { area: string; ms: number; share: number }[];
}

/** Where a frame lives, shortened: package name for node_modules, path under dist/ for ours. */
function where(url: string, line: number): string {
  if (url === '') return '';
  const nm = url.lastIndexOf('/node_modules/');
  const base = nm >= 0 ? url.slice(nm + '/node_modules/'.length) : url.includes('/dist/') ? url.slice(url.lastIndexOf('/dist/') + 6) : url.replace(/^file:\/\//, '');
  return `${base}:${line + 1}`;
}

/** The area a frame's self time is charged to. */
export function areaOf(f: CallFrame): string {
  const u = f.url;
  if (u === '') {
    if (f.functionName === '(idle)') return 'idle';
    if (f.functionName === '(garbage collector)') return 'GC';
    if (f.functionName === '(program)') return 'V8/native (program)';
    if (f.functionName.startsWith('RegExp:')) return 'native (RegExp)';
    return `native (${f.functionName || 'anonymous'})`;
  }
  const nm = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u);
  if (nm) return `node_modules/${nm[1]}`;
  const ours = /\/dist\/src\/([^/]+)\//.exec(u);
  if (ours) return `driftmon src/${ours[1]}`;
  if (u.startsWith('node:')) return 'node core';
  return u;
}

/**
 * Summarise the profile at `path`; with fromMs/toMs only the samples taken that many ms after the
 * profile started (the steady part of a run, leaving out start-up and shutdown).
 */
export function summarizeCpuProfile(path: string, options: { top?: number; fromMs?: number | undefined; toMs?: number | undefined } = {}): ProfileSummary {
  const top = options.top ?? 25;
  const fromUs = (options.fromMs ?? 0) * 1000;
  const toUs = (options.toMs ?? Number.POSITIVE_INFINITY) * 1000;
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of p.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const keyOf = (f: CallFrame): string => `${f.functionName || '(anonymous)'}\u0000${where(f.url, f.lineNumber)}`;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let elapsedUs = 0;
  for (let i = 0; i < p.samples.length; i++) {
    elapsedUs += p.timeDeltas[i] ?? 0;
    if (elapsedUs < fromUs || elapsedUs > toUs) continue;
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000; // the time until the next sample belongs to this one
    const node = byId.get(p.samples[i] as number);
    if (node === undefined) continue;
    total += dt;
    const area = areaOf(node.callFrame);
    if (area === 'idle') {
      idle += dt;
      continue;
    }
    areas.set(area, (areas.get(area) ?? 0) + dt);
    const k = keyOf(node.callFrame);
    self.set(k, (self.get(k) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const f = (byId.get(id) as ProfileNode).callFrame;
      if (f.functionName === '(root)') continue;
      const fk = keyOf(f);
      if (seen.has(fk)) continue;
      seen.add(fk);
      inclusive.set(fk, (inclusive.get(fk) ?? 0) + dt);
    }
  }
  const busy = total - idle;
  const rows = (m: Map<string, number>): FunctionTime[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, ms]) => {
        const [fn, at] = k.split('\u0000') as [string, string];
        // V8 names a regular expression's code after its whole source: keep the start
        return { function: fn.length > 80 ? `${fn.slice(0, 77)}...` : fn, where: at, ms: Math.round(ms), share: Number((ms / busy).toFixed(4)) };
      });
  return {
    total_ms: Math.round(total),
    busy_ms: Math.round(busy),
    idle_ms: Math.round(idle),
    top_self: rows(self),
    top_inclusive: rows(inclusive),
    by_area: [...areas]
      .sort((a, b) => b[1] - a[1])
      .map(([area, ms]) => ({ area, ms: Math.round(ms), share: Number((ms / busy).toFixed(4)) })),
  };
}
