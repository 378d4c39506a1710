import type { Config } from '../config.ts';
import { openPostgres, lockDataDir, type Database } from './index.ts';
import { discardCopy, openEmbedded, pgdataPaths, prepareCopy, switchIn, withEmbeddedCopy } from './embedded.ts';
import { migrate } from './migrate.ts';

/**
 * The one place that decides the engine: PostgreSQL when DATABASE_URL is set,
 * embedded PGlite in DATA_DIR otherwise.
 */
export interface DatabaseHandle {
  db: Database;
  /** Runs a writing job (a pipeline run) in this process. Embedded: on a copy, switched in by rename, then reopened. */
  write<T>(work: (db: Database) => Promise<T>): Promise<T>;
  /**
   * Lets another process (the pipeline worker) write the next publication while
   * this one keeps serving. Embedded: a copy of the live database, switched in
   * when `work` resolved; `pause` holds requests back during the two moments the
   * live database is closed (to copy it, and to switch the copy in). PostgreSQL:
   * the database itself, through the pipeline's connection string.
   */
  writeElsewhere<T>(work: (target: WriteTarget) => Promise<T>, pause: Pause): Promise<T>;
  close(): Promise<void>;
}

/** Where a pipeline worker writes. */
export type WriteTarget = { engine: 'pglite'; pgdata: string } | { engine: 'postgres'; url: string };

/** Runs `fn` while no request is being served and none starts. */
export type Pause = <T>(fn: () => Promise<T>) => Promise<T>;

export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir'> & { pipelineDatabaseUrl?: string },
): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    const url = config.pipelineDatabaseUrl ?? config.databaseUrl;
    const db = await openPostgres(config.databaseUrl);
    try {
      await migrate(db);
    } catch (err) {
      await db.close();
      throw err;
    }
    return {
      db,
      write: (work) => work(db),
      writeElsewhere: (work) => work({ engine: 'postgres', url }),
      close: () => db.close(),
    };
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
    async writeElsewhere(work, pause) {
      const reopen = async (between: () => void) => {
        await handle.db.close();
        try {
          between();
        } finally {
          handle.db = await openEmbedded(config.dataDir);
        }
      };
      await pause(() => reopen(() => prepareCopy(config.dataDir)));
      const { next } = pgdataPaths(config.dataDir);
      let result;
      try {
        result = await work({ engine: 'pglite', pgdata: next });
      } catch (err) {
        discardCopy(config.dataDir);
        throw err;
      }
      await pause(() => reopen(() => switchIn(config.dataDir)));
      return result;
    },
    async close() {
      await handle.db.close();
      unlock();
    },
  };
  return handle;
}
