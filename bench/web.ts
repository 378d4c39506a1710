import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { createApp, WEB_DIST, warmUp } from '../server/app.ts';
import { createHttpServer } from '../server/http.ts';
import { createPublicationState } from '../server/publication.ts';
import { ensureWebBuild } from '../server/web-build.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/helpers/requirements.ts';
import { demoDatabase, machine, median } from './lib.ts';

/**
 * The web app's two targets:
 *  1. JavaScript for the first view ≤ 600 KB gzipped, MapLibre and its worker
 *     included; what loads later (PNG export) is listed apart.
 *  2. First choropleth visible ≤ 2 s after navigation: headless Chromium on
 *     loopback, time from navigation start until the values are painted and every
 *     tile is loaded; in a fresh browser context (empty cache), then on a reload.
 *   npm run bench:web [-- runs]
 */
const runs = Number(process.argv[2] ?? 7);

await ensureWebBuild(process.stderr);
const html = fs.readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
const assets = fs.readdirSync(path.join(WEB_DIST, 'assets'));
const gz = (file: string) => zlib.gzipSync(fs.readFileSync(path.join(WEB_DIST, 'assets', file)), { level: 6 }).length;
// The first view loads the entry module, what index.html preloads, and MapLibre's worker.
const first = assets.filter((a) => /\.m?js$/.test(a) && (html.includes(`/assets/${a}`) || a.startsWith('maplibre-gl-worker')));
const lazy = assets.filter((a) => /\.m?js$/.test(a) && !first.includes(a));
const kb = (b: number) => (b / 1024).toFixed(1);
const firstGz = first.reduce((s, a) => s + gz(a), 0);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-bench-web-'));
const handle = await demoDatabase({ dataDir });
const publication = createPublicationState(() => handle.db);
const app = createApp({ getDb: () => handle.db, webDist: WEB_DIST, publication });
await warmUp(app);
const server = createHttpServer(app.fetch, { publication }).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
// A string, not a function: tsx would add helpers to a function that the page does not have.
const idleAt = `new Promise((resolve) => {
  const m = window.quartiersmonitor.map;
  if (m.loaded() && m.areTilesLoaded()) resolve(performance.now());
  else m.once('idle', () => resolve(performance.now()));
})`;
const cold: number[] = [];
const warm: number[] = [];
for (let i = 0; i <= runs; i++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(base + '/', { waitUntil: 'commit' });
  await page.waitForSelector('body[data-ready]', { timeout: 30_000 });
  const first = (await page.evaluate(idleAt)) as number;
  // Again in the same context: assets from the HTTP cache, V8's code cache warm — a returning user.
  await page.reload({ waitUntil: 'commit' });
  await page.waitForSelector('body[data-ready]', { timeout: 30_000 });
  const again = (await page.evaluate(idleAt)) as number;
  // The first run warms the server's caches; it is not counted.
  if (i > 0) {
    cold.push(first);
    warm.push(again);
  }
  process.stderr.write(
    `run ${i}${i === 0 ? ' (warm-up, not counted)' : ''}: first visit ${first.toFixed(0)} ms, reload ${again.toFixed(0)} ms\n`,
  );
  await context.close();
}
await browser.close();
server.close();
await handle.close();

console.log(`machine: ${machine()}`);
console.log(`first view JS (gzip -6): ${first.map((a) => `${a} ${kb(gz(a))} KiB`).join(', ')} = ${kb(firstGz)} KiB (target ≤ 600 KB)`);
console.log(`loaded later: ${lazy.map((a) => `${a} ${kb(gz(a))} KiB`).join(', ') || 'nothing'}`);
const stats = (xs: number[]) => `median ${median(xs).toFixed(0)} ms, min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)}`;
console.log(`first choropleth (navigation → values painted and every tile loaded), ${runs} runs (target ≤ 2000 ms):`);
console.log(`  first visit, empty cache: ${stats(cold)}`);
console.log(`  reload, cached assets:    ${stats(warm)}`);
