import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshTarget, runCli, writeJobs, type Target } from '../test/helpers/faults.ts';
import { coveringTiles, machine, quantile } from './lib.ts';

/**
 * Pipeline runs while the server is under load (issue 6): `connections` simulated
 * web-app clients each pin the data version the TileJSON names and then ask for
 * tiles, indicator tiles, values and profiles pinned to it (`?v=`), with some
 * unpinned values in between, while runs publish job A (k = 3) and job B (k = 4)
 * in turn. Before the load, every path was recorded once per version; under load
 * every response must be byte-identical to the recording of the version it names,
 * a pinned response must name its pin, and a client told `409 version_changed`
 * starts over on the version the answer names. Each run publishes a new version,
 * so each client must start over once per run: a server that went on answering
 * an old pin (from its front cache, say) fails the benchmark as well.
 *
 *   npm run bench:versions [-- <runs=4> <connections=64> <pupils per year=2500>]
 *
 * PGlite by default, where runs go through the admin API (a worker on a copy,
 * switched in by rename while requests wait); BENCH_DATABASE_URL (a database the
 * benchmark may empty) runs on PostgreSQL, where runs are the CLI in another
 * process and the server learns of them only from the database.
 */
const [runs, connections, pupilsPerYear] = [Number(process.argv[2] ?? 4), Number(process.argv[3] ?? 64), Number(process.argv[4] ?? 2500)];
const url = process.env.BENCH_DATABASE_URL;
const engine: Target['engine'] = url ? 'postgres' : 'pglite';
const TOKEN = 'bench-versions-token';
const PORT = 18090;
const base = `http://127.0.0.1:${PORT}`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-bench-versions-'));
const jobs = writeJobs(dir, pupilsPerYear);
let target!: Target;

function startServer(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/serve-target.ts', 'app', target.dataDir, String(PORT)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LOG_LEVEL: 'warn', BENCH_ADMIN_TOKEN: TOKEN },
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

/** One run of `job` while the server serves: the CLI on PostgreSQL, the admin API on PGlite. */
async function publish(job: string): Promise<{ ms: number; dataVersion: string }> {
  const started = performance.now();
  if (engine === 'postgres') {
    const r = await new Promise<{ status: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['bin/quartiersmonitor.mjs', 'run', job], {
        env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.once('exit', (status) => resolve({ status, out }));
    });
    if (r.status !== 0) throw new Error(`run failed: ${r.out.slice(-2000)}`);
    const version = /data version ([0-9a-f]{12})/.exec(r.out)?.[1];
    if (!version) throw new Error(`no data version in the run's output: ${r.out.slice(-500)}`);
    return { ms: performance.now() - started, dataVersion: version };
  }
  const auth = { Authorization: `Bearer ${TOKEN}` };
  const res = await fetch(`${base}/api/admin/runs`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ job: path.basename(job) }) });
  if (res.status !== 202) throw new Error(`admin run refused: ${res.status} ${await res.text()}`);
  const { task } = (await res.json()) as { task: { id: string } };
  let lastProgress = '';
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const { task: t } = (await (await fetch(`${base}/api/admin/runs/${task.id}`, { headers: auth })).json()) as {
      task: { state: string; dataVersion: string | null; error: unknown; progress: string | null };
    };
    if (t.progress && t.progress !== lastProgress) process.stderr.write(`  ${(lastProgress = t.progress)}\n`);
    if (t.state === 'published') return { ms: performance.now() - started, dataVersion: t.dataVersion! };
    if (t.state === 'failed') throw new Error(`admin run failed: ${JSON.stringify(t.error)}`);
  }
}

const sha = (bytes: ArrayBuffer) => crypto.createHash('sha256').update(new Uint8Array(bytes)).digest('base64url');

/** Every path of the mix, written with `{v}` where the pinned version goes. */
async function mixPaths(): Promise<{ pinned: string[]; unpinned: string[] }> {
  const get = async <T>(p: string) => (await (await fetch(base + p)).json()) as T;
  const tj = await get<{ bounds: number[] }>('/tiles/areas.json');
  const { indicators, schuljahre } = await get<{ indicators: { id: string }[]; schuljahre: string[] }>('/api/indicators');
  const { levels } = await get<{ levels: { level: string }[] }>('/api/levels');
  const quartiere = (await get<{ areas: { areaId: string }[] }>(`/api/levels/${levels.at(-1)!.level}/areas`)).areas;
  const year = schuljahre.at(-1)!.replace('/', '-');
  const ids = indicators.map((i) => i.id).slice(0, 12);
  const pinned = [
    ...coveringTiles(tj.bounds, 10, 13).map(([z, x, y]) => `/tiles/areas/${z}/${x}/${y}.mvt?v={v}`),
    ...ids.slice(0, 2).flatMap((id) => coveringTiles(tj.bounds, 11, 11).map(([z, x, y]) => `/tiles/indicator/${id}/${year}/${z}/${x}/${y}.mvt?v={v}`)),
    ...ids.flatMap((id) => levels.map((l) => `/api/indicators/${id}/values?level=${l.level}&v={v}`)),
    ...quartiere.slice(0, 20).map((a) => `/api/areas/${levels.at(-1)!.level}/${a.areaId}?v={v}`),
  ];
  const unpinned = ids.map((id) => `/api/indicators/${id}/values?level=${levels.at(-1)!.level}`);
  return { pinned, unpinned };
}

/** The body of every path as the server answers it now, in the version it names. */
async function record(paths: { pinned: string[]; unpinned: string[] }, version: string, into: Map<string, string>) {
  for (const p of [...paths.pinned.map((q) => q.replace('{v}', version)), ...paths.unpinned]) {
    const res = await fetch(base + p);
    if (res.headers.get('x-data-version') !== version) throw new Error(`recording ${p}: answered ${res.headers.get('x-data-version')}, expected ${version}`);
    into.set(`${version} ${p}`, `${res.status} ${sha(await res.arrayBuffer())}`);
  }
}

interface Tally {
  requests: number;
  byStatus: Record<string, number>;
  /** A body that differs from the recording of the version its response names. */
  wrongContent: number;
  /** A pinned request answered (not refused) in another version. */
  offPin: number;
  /** A version no recording has (the same job must publish the same version). */
  unknownVersion: number;
  switches: number;
  transportErrors: number;
  latencies: number[];
}

/** One simulated web-app client; resolves to the number of times it started over. */
async function client(paths: { pinned: string[]; unpinned: string[] }, recorded: Map<string, string>, tally: Tally, until: () => boolean): Promise<number> {
  const start = async () => {
    const res = await fetch(`${base}/tiles/areas.json`);
    const body = (await res.json()) as { dataVersion: string };
    if (body.dataVersion !== res.headers.get('x-data-version')) tally.wrongContent++;
    return body.dataVersion;
  };
  let pin = await start();
  let startedOver = 0;
  let i = Math.floor(Math.random() * paths.pinned.length);
  while (!until()) {
    const unpinned = i % 10 === 9;
    const p = unpinned ? paths.unpinned[i % paths.unpinned.length]! : paths.pinned[i % paths.pinned.length]!.replace('{v}', pin);
    i += 7; // a stride through the mix, different per client by the start
    const t0 = performance.now();
    try {
      const res = await fetch(base + p);
      const bytes = await res.arrayBuffer();
      tally.latencies.push(performance.now() - t0);
      tally.requests++;
      tally.byStatus[res.status] = (tally.byStatus[res.status] ?? 0) + 1;
      const named = res.headers.get('x-data-version') ?? '';
      if (res.status === 409) {
        tally.switches++;
        startedOver++;
        pin = named;
        continue;
      }
      if (!unpinned && named !== pin) tally.offPin++;
      const expected = recorded.get(`${named} ${p}`);
      if (expected === undefined) tally.unknownVersion++;
      else if (expected !== `${res.status} ${sha(bytes)}`) tally.wrongContent++;
    } catch {
      tally.transportErrors++;
    }
  }
  return startedOver;
}

async function main() {
  target = await freshTarget(engine, dir, url);
  if (runCli(target, jobs.a).status !== 0) throw new Error('publishing A failed');
  if (engine === 'pglite') {
    // Admin runs read their inputs from DATA_DIR/uploads.
    const uploads = path.join(target.dataDir, 'uploads');
    fs.mkdirSync(uploads, { recursive: true, mode: 0o700 });
    for (const f of ['job-a.json', 'job-b.json', 'out']) fs.cpSync(path.join(dir, f), path.join(uploads, f), { recursive: true });
  }
  const server = await startServer();
  const jobIn = (job: string) => (engine === 'pglite' ? path.basename(job) : job);
  try {
    const paths = await mixPaths();
    const recorded = new Map<string, string>();
    const a = ((await (await fetch(`${base}/api/health`)).json()) as { dataVersion: string }).dataVersion;
    await record(paths, a, recorded);
    process.stderr.write(`recorded version ${a}; publishing B …\n`);
    const b = (await publish(jobIn(jobs.b))).dataVersion;
    await record(paths, b, recorded);
    process.stderr.write(`recorded ${recorded.size} responses of versions ${a} (k = 3) and ${b} (k = 4)\n`);

    const tally: Tally = { requests: 0, byStatus: {}, wrongContent: 0, offPin: 0, unknownVersion: 0, switches: 0, transportErrors: 0, latencies: [] };
    let done = false;
    const started = performance.now();
    const clients = Array.from({ length: connections }, () => client(paths, recorded, tally, () => done));
    const runTimes: string[] = [];
    const published: string[] = [];
    for (let r = 0; r < runs; r++) {
      const job = r % 2 === 0 ? jobs.a : jobs.b;
      const out = await publish(jobIn(job));
      published.push(out.dataVersion);
      runTimes.push((out.ms / 1000).toFixed(1));
      process.stderr.write(`run ${r + 1}/${runs}: ${path.basename(job)} → ${out.dataVersion} in ${(out.ms / 1000).toFixed(1)} s; ${tally.requests} requests so far\n`);
    }
    await new Promise((r) => setTimeout(r, 5000));
    done = true;
    const perClient = await Promise.all(clients);
    const missedSwitch = perClient.filter((n) => n !== runs).length;
    const seconds = (performance.now() - started) / 1000;
    const fivexx = Object.entries(tally.byStatus).filter(([s]) => Number(s) >= 500).reduce((n, [, c]) => n + c, 0);
    const lines = [
      `Machine: ${machine()}; ${engine}; Musterstadt with ${pupilsPerYear} pupils a year; ${connections} clients; ${recorded.size} recorded responses`,
      '',
      '| | |',
      '|---|---|',
      `| runs under load (job, version, seconds) | ${published.map((v, i) => `${i % 2 === 0 ? 'A' : 'B'} ${v} ${runTimes[i]} s`).join('; ')} |`,
      `| requests in ${seconds.toFixed(0)} s | ${tally.requests} (${Object.entries(tally.byStatus).map(([s, c]) => `${c} × ${s}`).join(', ')}) |`,
      `| 5xx, transport errors | **${fivexx}**, ${tally.transportErrors} |`,
      `| content not of the version named | **${tally.wrongContent}** |`,
      `| pinned request answered in another version | **${tally.offPin}** |`,
      `| version not recorded (same job, same version) | **${tally.unknownVersion}** |`,
      `| clients told to start over (409), started over | ${tally.switches} (per client ${Math.min(...perClient)}–${Math.max(...perClient)}) |`,
      `| clients that did not start over once per run | **${missedSwitch}** |`,
      `| latency p50 / p99 | ${quantile(tally.latencies, 0.5).toFixed(1)} / ${quantile(tally.latencies, 0.99).toFixed(1)} ms |`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
    if (fivexx + tally.transportErrors + tally.wrongContent + tally.offPin + tally.unknownVersion + missedSwitch > 0) process.exitCode = 1;
  } finally {
    server.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
