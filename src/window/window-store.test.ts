import { listCodec, describeWindowStoreContract } from './window-store.contract.js';
import { MemoryWindowStore } from './window-store.js';

describeWindowStoreContract('MemoryWindowStore', () => new MemoryWindowStore(listCodec));
