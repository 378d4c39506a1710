import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../core/config.ts';
import { openDatabase } from '../core/db/open.ts';
import { DEMO_JOB, writeMusterstadt } from '../fixtures/musterstadt/index.ts';
import { loadJob } from '../pipeline/job.ts';
import { runJob } from '../pipeline/run.ts';
import { freshDatabase } from './lib.ts';

/**
 * The pipeline on 1,000,000 records (the demo city's gazetteer and noise mix, three
 * Schuljahre), end to end from reading the files to the published swap:
 *   - on PostgreSQL/PostGIS, as a ratio to a plain floor measured in the same run
 *     (COPY of the same rows, one exact-key join to the addresses, one
 *     point-in-polygon GROUP BY per Quartier);
 *   - on PGlite, in seconds;
 *   - peak memory (max RSS) of the pipeline process on each engine.
 * Each pipeline run is its own process, so its max RSS is its own.
 *
 *   BENCH_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres npm run bench:pipeline [-- <records>]
 * Without BENCH_DATABASE_URL only PGlite runs.
 */
const [mode, ...args] = process.argv.slice(2);
const quietOut = Object.assign(Object.create(process.stderr), { isTTY: false }) as NodeJS.WriteStream;

if (mode === 'generate') {
  writeMusterstadt(path.join(args[0]!, 'out'), { pupilsPerYear: Number(args[1]) });
  fs.copyFileSync(DEMO_JOB, path.join(args[0]!, 'job.json'));
} else if (mode === 'run') {
  // One pipeline run; prints a JSON line with its time and peak memory.
  const [dir, engine, where] = args as [string, 'postgres' | 'pglite', string];
  const config = loadConfig(engine === 'postgres' ? { DATABASE_URL: where } : { DATA_DIR: where });
  const handle = await openDatabase(config);
  const t0 = performance.now();
  const report = await handle.write((db) =>
    runJob(db, loadJob(path.join(dir, 'job.json')), { reportDir: path.join(os.tmpdir(), 'qm-bench-reports'), out: quietOut }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await handle.close();
  process.stdout.write(
    JSON.stringify({ seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024, rows: report.account.rows, timingsMs: report.timingsMs }) +
      '\n',
  );
} else {
  await main(Number(mode ?? 1_000_000));
}

async function main(records: number) {
  const perYear = Math.ceil(records / 3 / 1.064); // the generator adds ~6.4 % Einpendler and group rows
  const dir = path.join(os.tmpdir(), `qm-bench-${perYear}`);
  if (!fs.existsSync(path.join(dir, 'job.json'))) {
    process.stderr.write(`generating ${records} records into ${dir} …\n`);
    child(['generate', dir, String(perYear)]);
  }
  const lines = fs
    .readdirSync(path.join(dir, 'out'))
    .filter((f) => f.startsWith('schueler_'))
    .reduce((n, f) => n + fs.readFileSync(path.join(dir, 'out', f), 'latin1').split('\n').length - 2, 0);
  process.stderr.write(`${lines} records in ${dir}\n`);

  const results: string[] = [];
  const url = process.env.BENCH_DATABASE_URL;
  if (url) {
    const db = await freshDatabase(url);
    try {
      const run = JSON.parse(child(['run', dir, 'postgres', db.url]).trim().split('\n').at(-1)!);
      const floor = await plainFloor(await freshDatabase(url), dir);
      results.push(
        `PostgreSQL: pipeline ${run.seconds.toFixed(1)} s, plain floor ${floor.seconds.toFixed(1)} s ` +
          `(COPY ${floor.copy.toFixed(1)} s, join ${floor.join.toFixed(1)} s matching ${(floor.matched * 100).toFixed(1)} %, point in polygon ${floor.pip.toFixed(1)} s) → ratio ${(run.seconds / floor.seconds).toFixed(2)}; ` +
          `max RSS ${Math.round(run.maxRssMiB)} MiB; stages ${JSON.stringify(run.timingsMs)}`,
      );
    } finally {
      await db.drop();
    }
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-bench-pglite-'));
  try {
    const run = JSON.parse(child(['run', dir, 'pglite', dataDir]).trim().split('\n').at(-1)!);
    results.push(
      `PGlite: pipeline ${run.seconds.toFixed(1)} s; max RSS ${Math.round(run.maxRssMiB)} MiB; stages ${JSON.stringify(run.timingsMs)}`,
    );
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(
    `\nmachine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${execFileSync('uname', ['-sr']).toString().trim()}\n` +
      `${lines} records\n${results.join('\n')}\n`,
  );
}

function child(argv: string[]): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/pipeline-1m.ts', ...argv], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  if (r.status !== 0) throw new Error(`bench child ${argv[0]} failed with ${r.status}`);
  return r.stdout;
}

/**
 * The floor: what any pipeline must at least do with these rows in PostgreSQL.
 * Server-side COPY reads the files directly (the database runs on this machine).
 */
async function plainFloor(db: { url: string; drop(): Promise<void> }, dir: string) {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    const out = path.join(dir, 'out');
    const cols = [
      'schuljahr',
      'schulnummer',
      'jahrgang',
      'geschlecht',
      'staatsangehoerigkeit',
      'verkehrssprache',
      'zuzugsjahr',
      'foerderschwerpunkt',
      'wohnort',
      'plz',
      'strasse',
      'hausnummer',
      'hausnummernzusatz',
      'anzahl',
    ];
    await c.query(`CREATE UNLOGGED TABLE raw (${cols.map((n) => `${n} text`).join(', ')})`);
    await c.query(`CREATE UNLOGGED TABLE addr (strasse text, hausnummer text, zusatz text, plz text, ort text, x float8, y float8)`);
    await c.query(`CREATE TABLE quartiere (id text, geom geometry(MultiPolygon, 25832))`);
    const fc = JSON.parse(fs.readFileSync(path.join(out, 'quartiere.geojson'), 'utf8'));
    for (const f of fc.features) {
      await c.query(`INSERT INTO quartiere VALUES ($1, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($2), 25832)))`, [
        f.properties.quartier_nr,
        JSON.stringify(f.geometry),
      ]);
    }
    await c.query('CREATE INDEX ON quartiere USING gist (geom)');
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(out, 0o755);

    // Encoding and delimiter of each file, found before the clock starts.
    const files = fs
      .readdirSync(out)
      .filter((n) => n.startsWith('schueler_'))
      .sort()
      .map((f) => {
        const file = path.join(out, f);
        const bytes = fs.readFileSync(file);
        let utf8 = true;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          utf8 = false;
        }
        const delimiter = bytes.subarray(0, 300).toString('latin1').split('\n')[0]!.includes(';') ? ';' : ',';
        return { file, utf8, delimiter };
      });
    let t = performance.now();
    for (const { file, utf8, delimiter } of files) {
      await c.query(
        `COPY raw FROM '${file}' WITH (FORMAT csv, HEADER true, DELIMITER '${delimiter}', ENCODING '${utf8 ? 'UTF8' : 'WIN1252'}', FORCE_NOT_NULL (hausnummernzusatz))`,
      );
    }
    await c.query(
      `COPY addr FROM '${path.join(out, 'adressen.csv')}' WITH (FORMAT csv, HEADER true, DELIMITER ';', FORCE_NOT_NULL (zusatz))`,
    );
    const copy = (performance.now() - t) / 1000;
    // The gazetteer abbreviates ("Lindenstr."), the school files mostly do not: expand once, untimed,
    // so that the exact-key join matches like a real one would.
    await c.query(`UPDATE addr SET strasse = regexp_replace(strasse, '([Ss])tr\\.$', '\\1traße')`);

    t = performance.now();
    await c.query('CREATE INDEX ON addr (strasse, hausnummer, zusatz)');
    await c.query(`CREATE UNLOGGED TABLE joined AS
      SELECT r.*, a.x, a.y FROM raw r JOIN addr a ON a.strasse = r.strasse AND a.hausnummer = r.hausnummer AND a.zusatz = r.hausnummernzusatz`);
    const join = (performance.now() - t) / 1000;

    t = performance.now();
    await c.query(
      `SELECT q.id, count(*) FROM joined j JOIN quartiere q ON ST_Intersects(q.geom, ST_SetSRID(ST_MakePoint(j.x, j.y), 25832)) GROUP BY q.id`,
    );
    const pip = (performance.now() - t) / 1000;
    const { rows } = await c.query<{ raw: number; joined: number }>(
      'SELECT (SELECT count(*) FROM raw)::int AS raw, (SELECT count(*) FROM joined)::int AS joined',
    );
    return { copy, join, pip, seconds: copy + join + pip, matched: rows[0]!.joined / rows[0]!.raw };
  } finally {
    await c.end();
    await db.drop();
  }
}
