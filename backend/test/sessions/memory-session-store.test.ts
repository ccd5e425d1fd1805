import { MemorySessionStore } from '../../src/sessions';
import { sessionStoreContract } from './session-store.contract';

sessionStoreContract(
  'MemorySessionStore (node-cache)',
  async (ttlSeconds) => new MemorySessionStore({ ttlSeconds, checkPeriodSeconds: 1 }),
);
