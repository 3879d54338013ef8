import { describeJoinStoreContract } from './join-store.contract.js';
import type { JoinStore } from './join-store.js';
import { MemoryJoinStore, type MemoryJoinManifest } from './memory-join-store.js';

describeJoinStoreContract('MemoryJoinStore', {
  newPlace: () => ({ open: async (m: unknown): Promise<JoinStore> => MemoryJoinStore.open(m as MemoryJoinManifest | undefined) }),
});
