import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskJoinStore, type JoinStoreManifest } from './disk-join-store.js';
import { describeJoinStoreContract } from './join-store.contract.js';
import type { JoinStore } from './join-store.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'driftmon-join-'));

// A small in-memory table, so the contract's ops seal many segments.
describeJoinStoreContract('DiskJoinStore', {
  newPlace: () => {
    const dir = tmp();
    return { open: (m: unknown): Promise<JoinStore> => DiskJoinStore.open(dir, m as JoinStoreManifest | undefined, { memtableEntries: 700 }) };
  },
});
