import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { coveringTiles, demoDatabase, machine, median } from './lib.ts';

/**
 * Warm throughput and soak of the server, each against a baseline in the same run:
 * - tiles: a mix of z8–z14 area tiles of the demo city; values: /api/indicators/{id}/values
 *   for all Quartiere, one path per indicator, pinned to the data version as the web app
 *   asks (`&v=`), and for information unpinned (through the framework and its cache). 16 connections, `seconds` each, `runs`
 *   times; the load generator pinned to core 0, the servers to core 1. Baseline: a bare
 *   node:http server answering the same paths with the same recorded response (status,
 *   every header, body bytes) from memory.
 * - soak: 64 connections for `soakSeconds` on a mix of every tile layer and the JSON
 *   API; counts 5xx and the server's resident memory before and after.
 *   npm run bench:serve [-- <runs=5> <seconds=30> <soakSeconds=60>]
 * PGlite by default; BENCH_DATABASE_URL runs the same against PostgreSQL.
 */
const [runs, seconds, soakSeconds] = [Number(process.argv[2] ?? 5), Number(process.argv[3] ?? 30), Number(process.argv[4] ?? 60)];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-bench-serve-'));
const dataDir = path.join(tmp, 'data');
await (await demoDatabase({ url: process.env.BENCH_DATABASE_URL, dataDir })).close();

function pinned(core: number, args: string[]): ChildProcess {
  return spawn('taskset', ['-c', String(core), process.execPath, '--expose-gc', '--import', 'tsx', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
}

async function startTarget(args: string[]): Promise<ChildProcess> {
  const child = pinned(1, ['bench/serve-target.ts', ...args]);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return child;
}

interface LoadResult {
  rps: number;
  total: number;
  latencyP50: number;
  latencyP99: number;
  statusCodes: Record<string, { count: number }>;
  errors: number;
  timeouts: number;
}

async function load(port: number, paths: string[], connections: number, duration: number): Promise<LoadResult> {
  const child = pinned(0, ['bench/load.ts', JSON.stringify({ url: `http://127.0.0.1:${port}`, paths, connections, duration })]);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  await new Promise((r) => child.once('exit', r));
  return JSON.parse(out) as LoadResult;
}

/** The server's memory after a full garbage collection (serve-target answers SIGUSR2). */
async function memoryAfterGc(server: ChildProcess): Promise<{ rss: number; heapUsed: number; external: number }> {
  const line = new Promise<string>((resolve) => {
    const on = (d: Buffer) => {
      const m = /memory (\{.*\})/.exec(d.toString());
      if (m) {
        server.stdout!.off('data', on);
        resolve(m[1]!);
      }
    };
    server.stdout!.on('data', on);
  });
  server.kill('SIGUSR2');
  return JSON.parse(await line);
}
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

// The app, and what it answers: recorded for the bare server.
const appPort = 18080;
const barePort = 18081;
const app = await startTarget(['app', dataDir, String(appPort)]);
const base = `http://127.0.0.1:${appPort}`;
/** GET with gzip accepted, over node:http: fetch would decompress the body and the recording would lie. */
function get(p: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(base + p, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}
const health = (await (await fetch(`${base}/api/health`)).json()) as { dataVersion: string };
const areasJson = (await (await fetch(`${base}/tiles/areas.json`)).json()) as { bounds: number[] };
const indicators = ((await (await fetch(`${base}/api/indicators`)).json()) as { indicators: { id: string }[] }).indicators;
const tileList = coveringTiles(areasJson.bounds, 8, 14);

const recorded: Record<string, { status: number; headers: Record<string, string>; body: string }> = {};
async function record(paths: string[]): Promise<string[]> {
  const kept: string[] = [];
  for (const p of paths) {
    const res = await get(p);
    if (res.status !== 200) continue;
    // Every header the app sent: the baseline answers with the very same response.
    const headers: Record<string, string> = {};
    // (Hop-by-hop and per-response headers excluded: node:http writes its own.)
    for (const [k, v] of Object.entries(res.headers)) {
      if (typeof v === 'string' && !['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(k)) headers[k] = v;
    }
    recorded[p] = { status: res.status, headers, body: res.body.toString('base64') };
    kept.push(p);
  }
  return kept;
}
const tilePaths = await record(tileList.map(([z, x, y]) => `/tiles/areas/${z}/${x}/${y}.mvt?v=${health.dataVersion}`));
// As the web app asks (pinned to the data version), and unpinned, which goes through the framework.
const valuePaths = await record(indicators.map((i) => `/api/indicators/${i.id}/values?level=Quartier&v=${health.dataVersion}`));
const unpinnedPaths = await record(indicators.map((i) => `/api/indicators/${i.id}/values?level=Quartier`));
fs.writeFileSync(path.join(tmp, 'fixture.json'), JSON.stringify(recorded));
const bare = await startTarget(['bare', path.join(tmp, 'fixture.json'), String(barePort)]);

const results: Record<string, { app: number[]; bare: number[]; ratio: number[] }> = {
  tiles: { app: [], bare: [], ratio: [] },
  values: { app: [], bare: [], ratio: [] },
  'values unpinned': { app: [], bare: [], ratio: [] },
};
// runs = 0: only the soak.
for (let r = 0; r < runs; r++) {
  for (const [name, paths] of [
    ['tiles', tilePaths],
    ['values', valuePaths],
    ['values unpinned', unpinnedPaths],
  ] as const) {
    const b = await load(barePort, paths, 16, seconds);
    const a = await load(appPort, paths, 16, seconds);
    const res = results[name]!;
    res.bare.push(b.rps);
    res.app.push(a.rps);
    res.ratio.push(a.rps / b.rps);
    process.stderr.write(
      `run ${r + 1}/${runs} ${name}: app ${a.rps.toFixed(0)} req/s, bare ${b.rps.toFixed(0)} req/s (${((100 * a.rps) / b.rps).toFixed(1)} %)\n`,
    );
  }
}
bare.kill();

// Soak: every layer's tiles and the JSON API at 64 connections.
const allTiles = tileList.flatMap(([z, x, y]) =>
  ['areas', 'schools', 'offers', 'gemeinden'].map((l) => `/tiles/${l}/${z}/${x}/${y}.mvt?v=${health.dataVersion}`),
);
const levels = ((await (await fetch(`${base}/api/levels`)).json()) as { levels: { level: string }[] }).levels;
const areaIds = (
  (await (await fetch(`${base}/api/indicators/${indicators[0]!.id}/values`)).json()) as { values: { areaId: string }[] }
).values
  .slice(0, 20)
  .map((v) => v.areaId);
const [cx, cy] = [(areasJson.bounds[0]! + areasJson.bounds[2]!) / 2, (areasJson.bounds[1]! + areasJson.bounds[3]!) / 2];
const soakPaths = [
  ...allTiles,
  ...valuePaths,
  ...levels.flatMap((l) => indicators.slice(0, 3).map((i) => `/api/indicators/${i.id}/values?level=${l.level}`)),
  ...areaIds.map((id) => `/api/areas/Quartier/${id}`),
  '/api/indicators',
  '/api/levels',
  '/api/schools',
  `/api/offers?near=${cx.toFixed(4)},${cy.toFixed(4)}&radius=3000`,
  '/api/geocode?q=Haupt',
  '/api/health',
];
for (const p of soakPaths) await get(p); // warm, as a server in use is
const before = await memoryAfterGc(app);
// Memory every tenth of the soak as well: growth that levels off is the allocator
// keeping freed pages; growth that goes on is a leak.
const soaking = load(appPort, soakPaths, 64, soakSeconds);
const series: number[] = [];
for (let i = 1; i < 10; i++) {
  await new Promise((r) => setTimeout(r, (soakSeconds * 1000) / 10));
  series.push((await memoryAfterGc(app)).rss);
}
const soak = await soaking;
await new Promise((r) => setTimeout(r, 2000)); // let the sockets close
const after = await memoryAfterGc(app);
app.kill();
fs.rmSync(tmp, { recursive: true, force: true });

const count5xx = Object.entries(soak.statusCodes)
  .filter(([s]) => Number(s) >= 500)
  .reduce((n, [, v]) => n + v.count, 0);
const line = (name: string, target: number | null) => {
  const r = results[name]!;
  if (r.ratio.length === 0) return '';
  return (
    `${name}: app median ${median(r.app).toFixed(0)} req/s, bare node:http median ${median(r.bare).toFixed(0)} req/s; ` +
    `ratio median ${(100 * median(r.ratio)).toFixed(1)} % (runs ${r.ratio.map((x) => (100 * x).toFixed(1)).join(', ')}${target === null ? '' : `; target ≥ ${target} %`})\n`
  );
};
process.stdout.write(
  `machine: ${machine()}\n` +
    `engine: ${process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'PGlite'}; ${tilePaths.length} tiles, ${valuePaths.length} value paths; ${runs} runs × ${seconds} s, 16 connections, load on core 0, servers on core 1\n` +
    line('tiles', 90) +
    line('values', 80) +
    line('values unpinned', null) +
    `soak: ${soakSeconds} s, 64 connections, ${soakPaths.length} paths: ${soak.total} requests, ${count5xx} 5xx, ${soak.errors} errors, ${soak.timeouts} timeouts; ` +
    `status ${Object.entries(soak.statusCodes)
      .map(([s, v]) => `${s}×${v.count}`)
      .join(', ')}; p99 ${soak.latencyP99} ms\n` +
    `server RSS after a full GC at every tenth of the soak: ${[before.rss, ...series].map(mb).join(', ')} MiB\n` +
    `server memory after a full GC, before → after: RSS ${mb(before.rss)} → ${mb(after.rss)} MiB (growth ${mb(after.rss - before.rss)} MiB; target < 50 MB), ` +
    `JS heap ${mb(before.heapUsed)} → ${mb(after.heapUsed)} MiB, external ${mb(before.external)} → ${mb(after.external)} MiB\n`,
);
