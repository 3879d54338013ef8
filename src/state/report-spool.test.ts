import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportSpool, type SpooledReport } from './report-spool.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'driftmon-spool-'));
const report = (i: number): SpooledReport => ({ folder: `m1/1s/${i}`, objects: [{ name: 'a.json', body: `{"i":${i}}\n` }] });

async function drain(spool: ReportSpool): Promise<string[]> {
  const folders: string[] = [];
  for (let e = spool.peek(); e !== undefined; e = spool.peek()) {
    const r = await spool.read(e);
    if (r.status !== 'ok') throw new Error(`unexpected ${r.status}`);
    folders.push(r.report.folder);
    await spool.remove(e);
  }
  return folders;
}

describe('ReportSpool', () => {
  it('keeps FIFO order across a restart, and new entries follow the old ones', async () => {
    const dir = tmp();
    const a = ReportSpool.open(dir);
    // concurrent appends still get sequence numbers in call order
    await Promise.all([0, 1, 2, 3, 4].map((i) => a.append(report(i))));
    const first = a.peek();
    expect(first).toBeDefined();
    await a.remove(first!);
    expect(a.depth).toBe(4);

    const b = ReportSpool.open(dir); // "restart": a new instance on the same directory
    expect(b.depth).toBe(4);
    expect(b.lastSeq).toBe(5);
    await b.append(report(5));
    expect(await drain(b)).toEqual(['m1/1s/1', 'm1/1s/2', 'm1/1s/3', 'm1/1s/4', 'm1/1s/5']);
    expect(ReportSpool.open(dir).depth).toBe(0);
  });

  it('ignores (and removes) partial tmp files left by an interrupted append', async () => {
    const dir = tmp();
    const a = ReportSpool.open(dir);
    await a.append(report(1));
    writeFileSync(join(dir, `.000000000002-${Date.now()}.json.999.tmp`), '{"v":1,"fol'); // crashed before rename
    writeFileSync(join(dir, 'README'), 'not an entry');
    const b = ReportSpool.open(dir);
    expect(b.depth).toBe(1);
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false);
    await b.append(report(2));
    expect(await drain(b)).toEqual(['m1/1s/1', 'm1/1s/2']);
  });

  it('reports depth and the oldest entry age (0 when empty)', async () => {
    let now = 1_000_000;
    const spool = ReportSpool.open(tmp(), () => now);
    expect(spool.depth).toBe(0);
    expect(spool.oldestAgeMs()).toBe(0);
    await spool.append(report(1));
    now += 5_000;
    await spool.append(report(2));
    now += 2_000;
    expect(spool.depth).toBe(2);
    expect(spool.oldestAgeMs()).toBe(7_000);
    await spool.remove(spool.peek()!);
    expect(spool.oldestAgeMs()).toBe(2_000);
    await spool.remove(spool.peek()!);
    expect(spool.depth).toBe(0);
    expect(spool.oldestAgeMs()).toBe(0);
  });

  it('the oldest age survives a restart (it is in the file name)', async () => {
    const dir = tmp();
    let now = 50_000;
    await ReportSpool.open(dir, () => now).append(report(1));
    now = 80_000;
    expect(ReportSpool.open(dir, () => now).oldestAgeMs()).toBe(30_000);
  });

  it('reads a vanished entry as missing and a damaged one as corrupt; quarantine keeps the file aside', async () => {
    const dir = tmp();
    const spool = ReportSpool.open(dir);
    const gone = await spool.append(report(1));
    const bad = await spool.append(report(2));
    await ReportSpool.open(dir).remove(gone); // removed behind this instance's back
    expect(await spool.read(gone)).toEqual({ status: 'missing' });
    writeFileSync(join(dir, bad.file), '{"v":1,"folder":');
    expect((await spool.read(bad)).status).toBe('corrupt');
    await spool.remove(gone);
    const aside = await spool.quarantine(bad);
    expect(spool.depth).toBe(0);
    expect(readdirSync(dir)).toEqual([aside]);
    expect(ReportSpool.open(dir).depth).toBe(0);
  });

  it('many entries: order and depth hold through index compaction', async () => {
    const spool = ReportSpool.open(tmp());
    for (let i = 0; i < 1500; i++) await spool.append(report(i));
    for (let i = 0; i < 1400; i++) await spool.remove(spool.peek()!);
    expect(spool.depth).toBe(100);
    const r = await spool.read(spool.peek()!);
    expect(r.status === 'ok' && r.report.folder).toBe('m1/1s/1400');
  });
});
