import fs from 'node:fs';
import path from 'node:path';
import { openPglite, type Database } from './index.ts';
import { migrate } from './migrate.ts';
import { AppError } from '../errors.ts';
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
    const full = asDiskFull(dataDir, err);
    fs.rmSync(p.next, { recursive: true, force: true });
    throw full ?? err;
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
  if (fs.existsSync(p.live)) {
    const needed = dirBytes(p.live) + HEADROOM;
    const free = freeBytes(dataDir);
    if (free < needed) throw diskFull(dataDir, free, `a run works on a copy of the database and needs ${mib(needed)} MiB`);
    try {
      fs.cpSync(p.live, p.next, { recursive: true });
    } catch (err) {
      fs.rmSync(p.next, { recursive: true, force: true });
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw diskFull(dataDir, free, 'the copy of the database did not fit', err);
      throw err;
    }
  }
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

// Room a run needs beyond the copy of the database: staging tables and WAL of the demo
// city take about 50 MiB; a municipality's full run more, which the check after a failure catches.
const HEADROOM = 64 * 2 ** 20;
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += fs.statSync(path.join(e.parentPath, e.name)).size;
  }
  return total;
}

function freeBytes(dir: string): number {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
}

function diskFull(dataDir: string, free: number, what: string, cause?: unknown): AppError {
  return new AppError(
    'disk_full',
    `not enough space under ${dataDir}: ${what}, ${mib(free)} MiB are free. The previous publication is unchanged; free some space and run again.`,
    undefined,
    { cause },
  );
}

/**
 * A failed run on a full disk, told as such. PGlite does not pass ENOSPC on: a write
 * that fails inside the database surfaces as some later protocol error ("cannot drop
 * active portal"), so the free space decides, measured before the copy is removed.
 */
export function asDiskFull(dataDir: string, err: unknown): AppError | null {
  if (err instanceof AppError) return null;
  const free = freeBytes(dataDir);
  if ((err as NodeJS.ErrnoException).code !== 'ENOSPC' && free >= 16 * 2 ** 20) return null;
  return diskFull(dataDir, free, 'the run filled the disk', err);
}
