import type { Config } from '../config.ts';
import { openPostgres, lockDataDir, type Database, type Sql } from './index.ts';
import { discardCopy, openEmbedded, pgdataPaths, prepareCopy, switchIn, withEmbeddedCopy } from './embedded.ts';
import { migrate } from './migrate.ts';
import { AppError } from '../errors.ts';

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
      await clearAbandonedRun(db);
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

/**
 * One writing job and nothing else (the pipeline CLI): unlike `openDatabase(…).write`,
 * no serving database is opened before and after, which on the embedded engine saves
 * two PGlite starts. Embedded: the data directory is locked and the job runs on a copy
 * that is switched in by rename.
 */
export async function writeDatabase<T>(config: Pick<Config, 'databaseUrl' | 'dataDir'>, work: (db: Database) => Promise<T>): Promise<T> {
  if (config.databaseUrl) {
    const db = await openPostgres(config.databaseUrl);
    try {
      await migrate(db);
      await clearAbandonedRun(db);
      return await work(db);
    } finally {
      await db.close();
    }
  }
  const unlock = lockDataDir(config.dataDir);
  try {
    return await withEmbeddedCopy(config.dataDir, work);
  } finally {
    unlock();
  }
}

/** Empties the staging schema: raw records and geocoded points of a run. */
export async function dropStaging(sql: Sql): Promise<void> {
  await sql.exec('DROP SCHEMA IF EXISTS staging CASCADE; CREATE SCHEMA staging;');
}

/**
 * A pipeline run killed on PostgreSQL leaves its staging tables (raw records) and a
 * run marked running; whoever opens the database next clears both. Not while a run
 * is alive (it holds the run lock), and not under a role without the rights (the
 * server's read-only role): then the pipeline's next run clears them as it starts.
 * On the embedded engine a run works on a copy, which `recover` removes.
 */
export async function clearAbandonedRun(db: Database): Promise<boolean> {
  try {
    return await db.exclusive('pipeline-run', async () => {
      const running = await db.query(`SELECT 1 FROM meta.runs WHERE status = 'running' LIMIT 1`);
      if (running.length === 0) return false;
      await dropStaging(db);
      await db.query(`UPDATE meta.runs SET status = 'failed', finished_at = now() WHERE status = 'running'`);
      return true;
    });
  } catch (err) {
    const insufficientPrivilege = (err as { code?: string }).code === '42501';
    if (insufficientPrivilege || (err instanceof AppError && err.code === 'database_locked')) return false;
    throw err;
  }
}
