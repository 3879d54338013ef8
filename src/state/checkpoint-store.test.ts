import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeCheckpointStoreContract } from './checkpoint-store.contract.js';
import { FileCheckpointStore, MemoryCheckpointStore, decodeCheckpoint, encodeCheckpoint } from './checkpoint-store.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'driftmon-ckpt-'));

describeCheckpointStoreContract('FileCheckpointStore', () => new FileCheckpointStore(join(tmp(), 'state')));
describeCheckpointStoreContract('MemoryCheckpointStore', () => new MemoryCheckpointStore());

describe('checkpoint file', () => {
  const sample = { monitor: 'm1', createdAtMs: 5, positions: [{ topic: 't', partition: 3, nextOffset: 9 }], state: new Uint8Array([1, 2, 3]) };

  it('rejects every single flipped byte (CRC-32), naming the file and what to do', () => {
    const good = encodeCheckpoint(sample);
    for (let i = 0; i < good.length; i++) {
      const bad = Uint8Array.from(good);
      bad[i] = (bad[i] as number) ^ 0x10;
      expect(() => decodeCheckpoint(bad, 'x.checkpoint')).toThrow(/x\.checkpoint is invalid.*move it away/);
    }
    expect(() => decodeCheckpoint(good.subarray(0, good.length - 1), 'x')).toThrow(/invalid/);
  });

  it('leaves no temporary file behind, and a corrupt file is an error rather than a fresh start', async () => {
    const dir = tmp();
    const store = new FileCheckpointStore(dir);
    await store.save(sample);
    expect(readdirSync(dir)).toEqual(['m1.checkpoint']);
    const bytes = readFileSync(join(dir, 'm1.checkpoint'));
    writeFileSync(join(dir, 'm1.checkpoint'), bytes.subarray(0, 30));
    await expect(store.load('m1')).rejects.toThrow(/m1\.checkpoint is invalid/);
  });

  it('refuses a checkpoint written for another monitor', async () => {
    const dir = tmp();
    const store = new FileCheckpointStore(dir);
    await store.save(sample);
    writeFileSync(join(dir, 'm2.checkpoint'), readFileSync(join(dir, 'm1.checkpoint')));
    await expect(store.load('m2')).rejects.toThrow(/belongs to monitor "m1"/);
  });
});
