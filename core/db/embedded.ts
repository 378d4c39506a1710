import fs from 'node:fs';
import path from 'node:path';
import { openPglite, type Database } from './index.ts';
import { migrate } from './migrate.ts';
import { faultPoint } from '../fault.ts';

/**
 * Crash-safe handling of the embedded data directory.
 *
 * A SIGKILL inside a PGlite transaction can leave a data directory that no longer
 * opens (a known upstream problem), so nothing that writes much ever runs in the
 * live directory: a new database is built in `pgdata.next` and renamed into place
 * when complete; a pipeline run works on a copy and is switched in by rename.
 * Renames are atomic; the only window with two directories is repaired by `recover`.
 *
 *   DATA_DIR/pgdata        the live database
 *   DATA_DIR/pgdata.next   being built (a leftover is from a killed process: removed)
 *   DATA_DIR/pgdata.old    the previous live database during a switch
 */
export function pgdataPaths(dataDir: string) {
  const live = path.join(dataDir, 'pgdata');
  return { live, next: `${live}.next`, old: `${live}.old` };
}

/** Repairs what a killed process may have left. Call with the data directory locked. */
export function recover(dataDir: string): void {
  const p = pgdataPaths(dataDir);
  if (!fs.existsSync(p.live) && fs.existsSync(p.old)) fs.renameSync(p.old, p.live);
  fs.rmSync(p.next, { recursive: true, force: true });
  fs.rmSync(p.old, { recursive: true, force: true });
}

/**
 * Runs `work` on a copy of the live database (or on a new one when there is none)
 * and switches the copy in when `work` resolved. If `work` throws or the process
 * dies, the live database is untouched.
 */
export async function withEmbeddedCopy<T>(dataDir: string, work: (db: Database) => Promise<T>): Promise<T> {
  const p = prepareCopy(dataDir);
  let result: T;
  try {
    const db = await openPglite({ pgdata: p.next });
    try {
      await migrate(db);
      result = await work(db);
    } finally {
      await db.close();
    }
    faultPoint('copy:closed');
  } catch (err) {
    fs.rmSync(p.next, { recursive: true, force: true });
    throw err;
  }
  switchIn(dataDir);
  return result;
}

/**
 * First half of a run on a copy: copies the live database to `pgdata.next`. The
 * live database must be closed (a copy of an open PGlite directory may not open).
 */
export function prepareCopy(dataDir: string): ReturnType<typeof pgdataPaths> {
  const p = pgdataPaths(dataDir);
  recover(dataDir);
  if (fs.existsSync(p.live)) fs.cpSync(p.live, p.next, { recursive: true });
  faultPoint('copy:made');
  return p;
}

/** Second half: makes `pgdata.next` the live database. The live database must be closed. */
export function switchIn(dataDir: string): void {
  const p = pgdataPaths(dataDir);
  if (fs.existsSync(p.live)) fs.renameSync(p.live, p.old);
  faultPoint('switch:live-moved');
  fs.renameSync(p.next, p.live);
  faultPoint('switch:copy-live');
  fs.rmSync(p.old, { recursive: true, force: true });
}

/** Drops a copy that will not be switched in. */
export function discardCopy(dataDir: string): void {
  fs.rmSync(pgdataPaths(dataDir).next, { recursive: true, force: true });
}

/** Opens the live database, creating an empty migrated one first when there is none. */
export async function openEmbedded(dataDir: string): Promise<Database> {
  const p = pgdataPaths(dataDir);
  recover(dataDir);
  if (!fs.existsSync(p.live)) await withEmbeddedCopy(dataDir, async () => {});
  const db = await openPglite({ pgdata: p.live });
  await migrate(db); // new migrations each run in a transaction of their own
  return db;
}
