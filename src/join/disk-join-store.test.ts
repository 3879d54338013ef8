import { mkdtempSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DriftmonError, ErrorCode } from '../errors.js';
import { DiskJoinStore, type JoinStoreManifest } from './disk-join-store.js';
import { describeJoinStoreContract } from './join-store.contract.js';
import type { JoinRecord, JoinStore } from './join-store.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'driftmon-join-'));

// A small in-memory table, so the contract's ops seal many segments.
describeJoinStoreContract('DiskJoinStore', {
  newPlace: () => {
    const dir = tmp();
    return { open: (m: unknown): Promise<JoinStore> => DiskJoinStore.open(dir, m as JoinStoreManifest | undefined, { memtableEntries: 700 }) };
  },
});

describe('DiskJoinStore files', () => {
  const T0 = Date.UTC(2026, 0, 1);
  const rec = (i: number, timeMs = T0 + i): JoinRecord => ({ id: `id-${i}`, timeMs, payload: new Uint8Array([i & 255, 7]) });

  async function filled(dir: string): Promise<{ store: DiskJoinStore; manifest: JoinStoreManifest }> {
    const store = await DiskJoinStore.open(dir, undefined, { memtableEntries: 100 });
    for (let i = 0; i < 450; i++) store.putPrediction(rec(i));
    const manifest = JSON.parse(JSON.stringify(await store.checkpoint())) as JoinStoreManifest;
    return { store, manifest };
  }

  const expectStateStoreFailed = async (p: Promise<unknown>, what: RegExp): Promise<void> => {
    const e = await p.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(DriftmonError);
    expect((e as DriftmonError).code).toBe(ErrorCode.STATE_STORE_FAILED);
    expect((e as DriftmonError).message).toMatch(what);
  };

  it('seals segments, keeps only a few bits per sealed entry in memory, and reopens them', async () => {
    const dir = tmp();
    const { store, manifest } = await filled(dir);
    expect(store.segmentCount).toBe(4);
    expect(manifest.segments.map((s) => s.entries)).toEqual([100, 100, 100, 100]);
    expect(store.sealedMemoryBytes).toBeLessThan(400 * 2);
    expect(store.diskBytes).toBeGreaterThan(450 * 20);
    store.close();
    const r = await DiskJoinStore.open(dir, manifest, { memtableEntries: 100 });
    const o = r.putLabel({ id: 'id-3', timeMs: T0, payload: new Uint8Array([1]) });
    expect(o.kind === 'joined' && Array.from(o.prediction.payload)).toEqual([3, 7]);
    r.close();
  });

  it('a missing or corrupt file named by the manifest is STATE_STORE_FAILED, never a fresh start', async () => {
    const dir = tmp();
    const { store, manifest } = await filled(dir);
    store.close();
    const copy = (name: string): Buffer => readFileSync(join(dir, name));
    const idx = 'seg-000002.idx';
    const good = copy(idx);
    const bad = Buffer.from(good);
    bad[17] = (bad[17] ?? 0) ^ 1;
    writeFileSync(join(dir, idx), bad);
    await expectStateStoreFailed(DiskJoinStore.open(dir, manifest), /seg-000002\.idx: checksum mismatch/);
    writeFileSync(join(dir, idx), good.subarray(0, 32));
    await expectStateStoreFailed(DiskJoinStore.open(dir, manifest), /seg-000002\.idx has 32 bytes/);
    writeFileSync(join(dir, idx), good);
    const state = copy(manifest.stateFile);
    unlinkSync(join(dir, manifest.stateFile));
    await expectStateStoreFailed(DiskJoinStore.open(dir, manifest), /cannot read .*state-000001\.bin/);
    writeFileSync(join(dir, manifest.stateFile), Buffer.concat([state.subarray(0, 1), Buffer.from([state[1]! ^ 4]), state.subarray(2)]));
    await expectStateStoreFailed(DiskJoinStore.open(dir, manifest), /state-000001\.bin is corrupt/);
    writeFileSync(join(dir, manifest.stateFile), state);
    const log = `seg-${String(manifest.active.segment).padStart(6, '0')}.log`;
    const logBytes = copy(log);
    writeFileSync(join(dir, log), logBytes.subarray(0, 10));
    await expectStateStoreFailed(DiskJoinStore.open(dir, manifest), /has 10 bytes, the checkpoint says/);
    unlinkSync(join(dir, 'seg-000001.log'));
    await expectStateStoreFailed(DiskJoinStore.open(dir, manifest), /cannot open .*seg-000001\.log/);
    await expectStateStoreFailed(DiskJoinStore.open(dir, { ...manifest, format: 'x' } as unknown as JoinStoreManifest), /manifest is invalid/);
  });

  it('deletes files of dropped segments and old state only once a newer manifest is acknowledged', async () => {
    const dir = tmp();
    const { store, manifest: m1 } = await filled(dir);
    expect(store.expire(T0 + 150)).toEqual({ expiredPredictions: 150, orphanLabels: 0, expiredTombstones: 0 });
    expect(store.segmentCount).toBe(3); // segment 1 dropped whole, segment 2 half expired
    const m2 = await store.checkpoint();
    expect(readdirSync(dir)).toContain('seg-000001.idx'); // m1 still names it
    store.acknowledge(m2);
    const files = readdirSync(dir);
    expect(files).not.toContain('seg-000001.log');
    expect(files).not.toContain('state-000001.bin');
    expect(files).toContain('state-000002.bin');
    store.close();
    // restoring m2 works; m1 cannot be restored any more (its files were released)
    const r = await DiskJoinStore.open(dir, m2, { memtableEntries: 100 });
    expect(r.pendingPredictions).toBe(300);
    r.close();
    await expectStateStoreFailed(DiskJoinStore.open(dir, m1), /cannot/);
  });

  it('opening without a manifest starts empty and removes what an earlier run left', async () => {
    const dir = tmp();
    const { store } = await filled(dir);
    store.close();
    const r = await DiskJoinStore.open(dir, undefined);
    expect(readdirSync(dir)).toEqual(['seg-000001.log']);
    expect(r.putPrediction(rec(1))).toEqual({ kind: 'pending' });
    r.close();
  });
});
