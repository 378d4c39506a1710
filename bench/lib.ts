import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../core/db/open.ts';
import { DEMO_JOB, writeMusterstadt } from '../fixtures/musterstadt/index.ts';
import { loadJob } from '../pipeline/job.ts';
import { runJob } from '../pipeline/run.ts';

export { coveringTiles } from '../test/helpers/tiles.ts';

/** Shared helpers of the server benchmarks: machine line, statistics, a published demo database, tile lists. */

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const kernel = execFileSync('uname', ['-sr']).toString().trim();
  return `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${kernel}`;
}

export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

export const median = (xs: readonly number[]) => quantile(xs, 0.5);

const quiet = { write: () => true } as unknown as NodeJS.WriteStream;

/**
 * The Musterstadt demo published into a database: PostgreSQL when `url` is given
 * (the database must exist with PostGIS), otherwise PGlite in `dataDir`. The
 * geometry is the full demo city's; fewer pupils per year only shorten the setup.
 */
export async function demoDatabase(o: { url?: string; dataDir?: string; pupilsPerYear?: number }): Promise<DatabaseHandle> {
  const inputs = path.join(os.tmpdir(), `qm-bench-inputs-${o.pupilsPerYear ?? 2500}`);
  if (!fs.existsSync(path.join(inputs, 'job.json'))) {
    writeMusterstadt(path.join(inputs, 'out'), { pupilsPerYear: o.pupilsPerYear ?? 2500 });
    fs.copyFileSync(DEMO_JOB, path.join(inputs, 'job.json'));
  }
  const dataDir = o.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'qm-bench-db-'));
  const handle = await openDatabase({ databaseUrl: o.url, dataDir });
  const [pub] = await handle.db.query('SELECT 1 FROM meta.publication');
  if (!pub) {
    process.stderr.write('publishing the demo city …\n');
    await handle.write((db) =>
      runJob(db, loadJob(path.join(inputs, 'job.json')), { reportDir: path.join(os.tmpdir(), 'qm-bench-reports'), out: quiet }),
    );
  }
  return handle;
}

/** A new PostgreSQL database with PostGIS, made through `adminUrl` (a role that may create databases), and how to drop it. */
export async function freshDatabase(adminUrl: string) {
  const name = `qm_bench_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  await c.query('CREATE EXTENSION postgis');
  await c.end();
  return {
    url: u.toString(),
    async drop() {
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
