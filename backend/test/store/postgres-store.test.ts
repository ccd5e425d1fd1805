import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createDatabase,
  InterviewRepository,
  MIGRATIONS,
  migrateToLatest,
  StoreUnavailableError,
  type DatabaseHandle,
} from '../../src/store';
import { startPostgresServer, type TestPostgresServer } from '../helpers/postgres';
import { storeContract } from './store.contract';

let server: TestPostgresServer;
before(async () => {
  server = await startPostgresServer();
});
after(async () => {
  await server?.stop();
});

storeContract('PostgreSQL (pg)', async () => {
  const databaseUrl = await server.createDatabase();
  return {
    handle: await createDatabase({ dataDir: '/nonexistent', databaseUrl }),
    reopen: () => createDatabase({ dataDir: '/nonexistent', databaseUrl }),
  };
});

describe('PostgreSQL specifics', () => {
  it('two nodes starting at once migrate once', async () => {
    const databaseUrl = await server.createDatabase();
    const nodes: DatabaseHandle[] = await Promise.all([1, 2, 3].map(() => createDatabase({ dataDir: '/nonexistent', databaseUrl })));
    try {
      const applied = await Promise.all(nodes.map((node) => migrateToLatest(node)));
      // Each migration applied once, by one of the nodes.
      assert.deepEqual(applied.flat().sort(), MIGRATIONS.map((migration) => migration.name).sort(), JSON.stringify(applied));
    } finally {
      await Promise.all(nodes.map((node) => node.close()));
    }
  });

  it('a server that is down is StoreUnavailableError, and the pool recovers when it is back', async () => {
    const databaseUrl = await server.createDatabase();
    const handle = await createDatabase({ dataDir: '/nonexistent', databaseUrl, onPoolError: () => {} });
    try {
      await migrateToLatest(handle);
      const repository = new InterviewRepository(handle.db, handle.engine);
      await repository.create({ id: 'before', title: 't', language: 'python', createdAt: 1 });
      await server.crash(async () => {
        await assert.rejects(repository.create({ id: 'during', title: 't', language: 'python', createdAt: 2 }), StoreUnavailableError);
        await assert.rejects(handle.ping(), StoreUnavailableError);
      });
      // The first query after the restart may meet a pooled connection the crash killed.
      await repository
        .create({ id: 'after', title: 't', language: 'python', createdAt: 3 })
        .catch(() => repository.create({ id: 'after', title: 't', language: 'python', createdAt: 3 }));
      assert.equal((await repository.get('after'))?.title, 't');
    } finally {
      await handle.close();
    }
  });

  it('reports an unreachable server at once, without the password in its location', async () => {
    const handle = await createDatabase({ dataDir: '/nonexistent', databaseUrl: 'postgres://user:secret@127.0.0.1:9/none' });
    try {
      assert.ok(!handle.location.includes('secret'));
      await assert.rejects(handle.ping(), StoreUnavailableError);
    } finally {
      await handle.close();
    }
  });
});
