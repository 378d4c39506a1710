import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openPglite, openPostgres } from '../../core/db/index.ts';
import { migrate } from '../../core/db/migrate.ts';
import { openDatabase } from '../../core/db/open.ts';
import { pgdataPaths } from '../../core/db/embedded.ts';
import { DEMO_JOB, writeMusterstadt } from '../../fixtures/musterstadt/index.ts';
import { createApp } from '../../server/app.ts';
import { createPublicationState } from '../../server/publication.ts';
import { ROOT } from './requirements.ts';

/**
 * The harness of the crash tests (test/db/faults.test.ts) and their long form
 * (bench/faults.ts): the pipeline CLI as a real process, killed with SIGKILL at a
 * named fault point (core/fault.ts), and what the server sees afterwards.
 */
export interface Target {
  engine: 'pglite' | 'postgres';
  /** DATA_DIR: the embedded database and the run reports. */
  dataDir: string;
  /** PostgreSQL only. */
  databaseUrl?: string;
}

/**
 * Two jobs on one Musterstadt whose publications differ (k = 3 and k = 4), so
 * that after a kill it is plain which of the two the server shows. Stadtbezirke
 * and Stadtteile only, without the context indicators (which are per Quartier):
 * the run passes the same fault points, and a sparse table of three levels costs
 * the joint disclosure audit some 30 s a run, this one about 4 s.
 */
export function writeJobs(dir: string, pupilsPerYear: number): { a: string; b: string } {
  writeMusterstadt(path.join(dir, 'out'), { pupilsPerYear });
  const { indicators: _perQuartier, ...demo } = JSON.parse(fs.readFileSync(DEMO_JOB, 'utf8'));
  const job = { ...demo, boundaries: demo.boundaries.filter((b: { level: string }) => b.level !== 'Quartier') };
  const a = path.join(dir, 'job-a.json');
  const b = path.join(dir, 'job-b.json');
  fs.writeFileSync(a, JSON.stringify({ ...job, name: 'faults-a' }));
  fs.writeFileSync(b, JSON.stringify({ ...job, name: 'faults-b', disclosure: { ...job.disclosure, minCount: 4 } }));
  return { a, b };
}

/**
 * An empty, migrated target for the benchmarks: PGlite in `<dir>/data-<engine>`, or the
 * PostgreSQL database at `url` with every schema of ours dropped (the CLI migrates it).
 */
export async function freshTarget(engine: Target['engine'], dir: string, url?: string): Promise<Target> {
  const dataDir = path.join(dir, `data-${engine}`);
  if (engine === 'pglite') {
    fs.mkdirSync(dataDir, { recursive: true });
    const db = await openPglite({ pgdata: pgdataPaths(dataDir).live });
    await migrate(db);
    await db.close();
    return { engine, dataDir };
  }
  const db = await openPostgres(url!, { max: 1 });
  await db.exec('DROP SCHEMA IF EXISTS published, meta, staging CASCADE');
  await db.close();
  return { engine, dataDir, databaseUrl: url };
}

/** Runs `quartiersmonitor run <job>`; with `killAt` the run sends itself SIGKILL there. */
export function runCli(target: Target, job: string, o: { killAt?: string; trace?: string } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['bin/quartiersmonitor.mjs', 'run', job], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 300_000,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      DATA_DIR: target.dataDir,
      DATABASE_URL: target.databaseUrl ?? '',
      QM_FAULT_KILL_AT: o.killAt ?? '',
      QM_FAULT_TRACE: o.trace ?? '',
    },
  });
}

/** Embedded: what a killed run left beside the live database: its copy (`pgdata.next`), the moved-away live one (`pgdata.old`). */
export function leftoverDirs(target: Target): string[] {
  const p = pgdataPaths(target.dataDir);
  return [p.next, p.old].filter((d) => fs.existsSync(d)).map((d) => path.basename(d));
}

/**
 * What the server shows after a start on the target (the start is what clears
 * leftovers): the data version from /api/health, one export as published, and a
 * checksum of every published table read directly, plus what is left in staging.
 */
export interface ServerView {
  dataVersion: string | null;
  exportCsv: string;
  publishedChecksum: string;
  stagingTables: number;
  runningRuns: number;
  leftoverDirs: string[];
}

// The publication row without run id and time, which differ between two runs of the same job.
const PUBLISHED = [
  '(SELECT data_version, municipality, ags, disclosure FROM meta.publication)',
  'published.levels',
  'published.areas',
  'published.indicators',
  'published.indicator_values',
  'published.schools',
  'published.offers',
  'published.dimensions',
  'published.breakdowns',
  'published.city_values',
  'published.catchments',
  'published.school_totals',
  'published.origins',
  'published.inflows',
  'published.addresses',
];

export async function serverView(target: Target): Promise<ServerView> {
  const handle = await openDatabase({ databaseUrl: target.databaseUrl, dataDir: target.dataDir });
  try {
    const db = handle.db;
    const app = createApp({ getDb: () => db, webDist: null, publication: createPublicationState(() => db) });
    const health = (await (await app.request('/api/health')).json()) as { dataVersion: string | null };
    const exp = await app.request('/api/export/Stadtteil.csv?indicators=schueler_insgesamt,anteil_foerderschwerpunkt');
    const exportCsv = exp.status === 200 ? await exp.text() : `status ${exp.status}`;
    const sums: string[] = [];
    for (const table of PUBLISHED) {
      const [r] = await db.query<{ n: number; h: string | null }>(
        `SELECT count(*)::int AS n, md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS h FROM ${table} t`,
      );
      sums.push(`${table}:${r!.n}:${r!.h}`);
    }
    const [staging] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'staging'`);
    const [running] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM meta.runs WHERE status = 'running'`);
    return {
      dataVersion: health.dataVersion,
      exportCsv,
      publishedChecksum: sums.join('\n'),
      stagingTables: staging!.n,
      runningRuns: running!.n,
      leftoverDirs: leftoverDirs(target),
    };
  } finally {
    await handle.close();
  }
}

/**
 * PostgreSQL: the staged records a killed run left, read without clearing them.
 * Waits until the server has noticed the dead client and ended its session (and
 * with it the run lock), as a next start a moment later would find it.
 */
export async function pgStagedRecords(url: string): Promise<number> {
  const db = await openPostgres(url, { max: 1 });
  try {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const [l] = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
         WHERE l.locktype = 'advisory' AND d.datname = current_database()`,
      );
      if (l!.n === 0) break;
      if (Date.now() > deadline) throw new Error('the killed run still holds its lock after 10 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    const [t] = await db.query<{ t: string | null }>(`SELECT to_regclass('staging.records')::text AS t`);
    if (!t?.t) return 0;
    const [r] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM staging.records');
    return r!.n;
  } finally {
    await db.close();
  }
}

/**
 * The points of one run in the order it reached them, learned from a traced run.
 * A run of the pipeline passes each named point once.
 */
export function tracePoints(target: Target, job: string, traceFile: string): string[] {
  fs.rmSync(traceFile, { force: true });
  const r = runCli(target, job, { trace: traceFile });
  if (r.status !== 0) throw new Error(`traced run failed (${r.status}): ${r.stderr}`);
  return fs.readFileSync(traceFile, 'utf8').trim().split('\n');
}

/**
 * Where a publication switches: the first point at which a killed run leaves the
 * new publication in place. Embedded: once the copy has been renamed into place;
 * PostgreSQL: once the publishing transaction (which also drops staging) has committed.
 */
export function firstPointAfterSwitch(points: readonly string[], engine: Target['engine']): number {
  return points.indexOf(engine === 'pglite' ? 'switch:copy-live' : 'publish:committed');
}

/** The kill points of the fast form in `npm test`; the benchmark kills at every point. */
export function samplePoints(points: readonly string[], engine: Target['engine']): string[] {
  const sql = points.filter((p) => /^publish:sql\d+$/.test(p));
  const mid = sql[Math.floor(sql.length / 2)]!;
  const pick =
    engine === 'postgres'
      ? // Every stage's end, the run's own steps, and the publishing transaction: first, two inside, last statement.
        new Set([
          ...points.filter((p) => p.endsWith(':end') || /^(run|staging|publish):[a-z-]+$/.test(p)),
          'records:file2',
          sql[0]!,
          sql[Math.floor(sql.length / 3)]!,
          sql[Math.floor((2 * sql.length) / 3)]!,
          sql.at(-1)!,
        ])
      : // A PGlite start costs ~4 s here, so fewer points: every step of the copy and the switch, and one in each phase.
        new Set([
          'copy:made',
          'run:registered',
          'records:end',
          'aggregate:end',
          mid,
          sql.at(-1)!,
          'publish:committed',
          'copy:closed',
          'switch:live-moved',
          'switch:copy-live',
        ]);
  return points.filter((p) => pick.has(p));
}

export interface KillOutcome {
  point: string;
  /** Which publication the server showed after the kill. */
  shown: 'A' | 'B';
  /** What the kill left before the next start: embedded directories, staged records on PostgreSQL. */
  left: string[];
  stagedRecords: number;
  ms: number;
}

/**
 * Kills a run of job B at each point, starting from publication A. After each kill
 * the server view must equal A's, or B's from the switch on (then A is published
 * again for the next kill), with nothing left over. Throws on the first violation.
 */
export async function killAtEach(
  target: Target,
  jobs: { a: string; b: string },
  points: readonly string[],
  kills: readonly string[],
  views: { a: ServerView; b: ServerView },
  onOutcome: (o: KillOutcome) => void = () => {},
): Promise<KillOutcome[]> {
  const switched = firstPointAfterSwitch(points, target.engine);
  if (switched < 0) throw new Error('the traced run has no switch point');
  const outcomes: KillOutcome[] = [];
  for (const point of kills) {
    const t0 = Date.now();
    const r = runCli(target, jobs.b, { killAt: point });
    if (r.signal !== 'SIGKILL') throw new Error(`run to ${point} ended with ${r.status ?? r.signal}, not killed: ${r.stderr}`);
    const left = leftoverDirs(target);
    const stagedRecords = target.databaseUrl ? await pgStagedRecords(target.databaseUrl) : 0;
    const view = await serverView(target);
    const expected = points.indexOf(point) >= switched ? 'B' : 'A';
    const want = expected === 'A' ? views.a : views.b;
    for (const key of Object.keys(want) as (keyof ServerView)[]) {
      if (JSON.stringify(view[key]) !== JSON.stringify(want[key]))
        throw new Error(`after a kill at ${point} the server's ${key} is not publication ${expected}'s`);
    }
    if (expected === 'B') {
      const again = runCli(target, jobs.a);
      if (again.status !== 0) throw new Error(`publishing A after a kill at ${point} failed: ${again.stderr}`);
    }
    const o = { point, shown: expected, left, stagedRecords, ms: Date.now() - t0 } as const;
    outcomes.push(o);
    onOutcome(o);
  }
  return outcomes;
}
