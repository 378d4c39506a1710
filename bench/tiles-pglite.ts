import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { serve } from '@hono/node-server';
import { createApp, warmUp } from '../server/app.ts';
import { areasRepository } from '../server/areas/repository.ts';
import { TILE_LAYERS } from '../server/tiles/catalog.ts';
import { coveringTiles, demoDatabase, machine, quantile } from './lib.ts';

/**
 * Cold tiles on PGlite: after a publication, the server warms up (publication
 * state, tile indexes) and then every tile of every layer, z8–z14 over the demo
 * city, is requested for the first time, one at a time. Reports how long the event
 * loop was blocked at most (target: no request blocks it for more than 50 ms).
 *   npm run bench:tiles-pglite
 * ONLY=/areas/ (or /schools/, /indicator/ …) restricts the requests to one kind.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-bench-pglite-tiles-'));
const handle = await demoDatabase({ dataDir });
const app = createApp({ getDb: () => handle.db, webDist: null });
const warm0 = performance.now();
await warmUp(app);
const warmMs = performance.now() - warm0;

const extent = (await areasRepository(() => handle.db).extent())!;
const only = process.env.ONLY;
const urls0 = coveringTiles(extent, 8, 14).flatMap(([z, x, y]) => TILE_LAYERS.map((l) => `/tiles/${l}/${z}/${x}/${y}.mvt`));
const indicator = ((await (await app.request('/api/indicators')).json()).indicators as { id: string }[])[0]!.id;
urls0.push(...coveringTiles(extent, 8, 14).map(([z, x, y]) => `/tiles/indicator/${indicator}/2024-25/${z}/${x}/${y}.mvt`));

const urls = only ? urls0.filter((u) => u.includes(only)) : urls0;
// Over real HTTP from another process: in-process requests on PGlite would resolve
// in microtasks and never let the loop turn, which hides exactly what we measure.
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((r) => server.once('listening', r));
const port = (server.address() as { port: number }).port;
const CLIENT = `
  const [base, list] = [process.argv[1], JSON.parse(process.argv[2])];
  const latencies = [], statuses = {};
  let next = 0;
  async function worker() {
    while (next < list.length) {
      const url = list[next++];
      const t0 = performance.now();
      const res = await fetch(base + url, { headers: { 'Accept-Encoding': 'gzip' } });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
  }
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Number(process.argv[3]) }, worker));
  process.stdout.write(JSON.stringify({ latencies, statuses, wall: performance.now() - t0 }));`;

/** Sends `list` from a child process with `clients` concurrent clients, tracking this process's event loop delay. */
async function load(list: string[], clients: number) {
  // The histogram's resolution is 1 ms; its maximum is the longest single block.
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const client = spawn(
    process.execPath,
    ['--input-type=module', '-e', CLIENT, `http://127.0.0.1:${port}`, JSON.stringify(list), String(clients)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  client.stdout.on('data', (d) => (out += d));
  await new Promise((r) => client.once('exit', r));
  h.disable();
  return {
    ...(JSON.parse(out) as { latencies: number[]; statuses: Record<string, number>; wall: number }),
    maxDelayNs: h.max,
    p99DelayNs: h.percentile(99),
  };
}

// One request at a time, so that one loop iteration handles one request and the
// longest delay is the longest block by a single request. The noise floor is the
// same number of requests for a small JSON 404.
const floor = await load(
  urls.map(() => '/api/none'),
  1,
);
const { latencies, statuses, wall, maxDelayNs, p99DelayNs } = await load(urls, 1);
server.close();
await handle.close();
fs.rmSync(dataDir, { recursive: true, force: true });

const ms = (ns: number) => (ns / 1e6).toFixed(1);
process.stdout.write(
  `machine: ${machine()}\n` +
    `PGlite, warm-up after publish ${warmMs.toFixed(0)} ms; then ${urls.length} cold tile requests (5 layers, z8–z14), one at a time, in ${wall.toFixed(0)} ms\n` +
    `statuses: ${Object.entries(statuses)
      .map(([s, n]) => `${s}×${n}`)
      .join(', ')}\n` +
    `request latency p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms\n` +
    `event loop delay: max ${ms(maxDelayNs)} ms, p99 ${ms(p99DelayNs)} ms (target: max ≤ 50 ms)\n` +
    `noise floor (as many 404s): max ${ms(floor.maxDelayNs)} ms, p99 ${ms(floor.p99DelayNs)} ms\n`,
);
