import { createDatabase, InterviewRepository, type DatabaseHandle } from '../../src/store';
import { startPostgresServer, type TestPostgresServer } from '../helpers/postgres';
import { startRedisServer } from '../helpers/redis-server';
import { startNode, type BackendNode } from './cluster-harness';

/** Two real backend processes on one PostgreSQL database and one redis-server, and a reader of the interviews they keep. */
export interface PostgresPair {
  nodeA: BackendNode;
  nodeB: BackendNode;
  /** The shared database, opened from the test's side, and its interviews. */
  database: DatabaseHandle;
  interviews: InterviewRepository;
  /** The PostgreSQL server (to crash it). */
  postgres: TestPostgresServer;
  stop(): Promise<void>;
}

/** Starts the pair (both nodes at once: both migrate the empty database together), checkpointing every 200 ms. */
export async function startPostgresPair(): Promise<PostgresPair> {
  const [redis, postgres] = await Promise.all([startRedisServer(), startPostgresServer()]);
  const databaseUrl = await postgres.createDatabase();
  const env = { REDIS_URL: redis.url, DATABASE_URL: databaseUrl, CHECKPOINT_INTERVAL_MS: '200' };
  const [nodeA, nodeB] = await Promise.all([startNode('A', env), startNode('B', env)]);
  const database = await createDatabase({ dataDir: '/nonexistent', databaseUrl, onPoolError: () => {} });
  return {
    nodeA,
    nodeB,
    database,
    interviews: new InterviewRepository(database.db, database.engine),
    postgres,
    async stop() {
      await Promise.all([nodeA.stop(), nodeB.stop()]);
      await database.close();
      await Promise.all([redis.stop(), postgres.stop()]);
    },
  };
}
