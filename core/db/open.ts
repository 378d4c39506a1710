import type { Config } from '../config.ts';
import { openPostgres, lockDataDir, type Database } from './index.ts';
import { openEmbedded, withEmbeddedCopy } from './embedded.ts';
import { migrate } from './migrate.ts';

/**
 * The one place that decides the engine: PostgreSQL when DATABASE_URL is set,
 * embedded PGlite in DATA_DIR otherwise.
 */
export interface DatabaseHandle {
  db: Database;
  /** Runs a writing job (a pipeline run). Embedded: on a copy, switched in by rename, then reopened. */
  write<T>(work: (db: Database) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    const db = await openPostgres(config.databaseUrl);
    try {
      await migrate(db);
    } catch (err) {
      await db.close();
      throw err;
    }
    return { db, write: (work) => work(db), close: () => db.close() };
  }

  const unlock = lockDataDir(config.dataDir);
  let db: Database;
  try {
    db = await openEmbedded(config.dataDir);
  } catch (err) {
    unlock();
    throw err;
  }
  const handle: DatabaseHandle = {
    db,
    async write(work) {
      await handle.db.close();
      try {
        return await withEmbeddedCopy(config.dataDir, work);
      } finally {
        handle.db = await openEmbedded(config.dataDir);
      }
    },
    async close() {
      await handle.db.close();
      unlock();
    },
  };
  return handle;
}
