import { createApp } from '../server/app.ts';
import { areasRepository } from '../server/areas/repository.ts';
import { coveringTiles, demoDatabase, machine, median, quantile } from './lib.ts';

/**
 * Cold tiles on PostgreSQL: the first request for a tile after a publish (a new
 * app, so no cached tile) against the SQL that cuts the same tile, measured in
 * the same run on the same database: the server's own ST_AsMVT query run alone
 * (the target's baseline), and for reference a hand-written ST_AsMVT query on
 * the published table with the properties as one text column.
 *   BENCH_DATABASE_URL=postgres://… npm run bench:tiles-cold [-- <rounds>]
 */
const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error('set BENCH_DATABASE_URL to a PostgreSQL database with PostGIS (it receives the demo city)');
const handle = await demoDatabase({ url });
const db = handle.db;
const repo = areasRepository(() => db);
const tiles = coveringTiles((await repo.extent())!, 8, 14, 12);

// The tile as a plain ST_AsMVT query: every level a layer, the same properties.
const PLAIN = `
  WITH env AS (SELECT ST_TileEnvelope($1, $2, $3) AS m)
  SELECT coalesce(string_agg(mvt, ''::bytea), ''::bytea) AS tile FROM (
    SELECT ST_AsMVT(t, t.level, 4096, 'geom', 'fid') AS mvt FROM (
      SELECT a.level, a.fid, a.area_id, a.name, a.parents::text AS parents,
             ST_AsMVTGeom(ST_Transform(a.geom, 3857), env.m, 4096, 64) AS geom
      FROM published.areas a, env
      WHERE a.geom && ST_Transform(env.m, 4326)
    ) t GROUP BY t.level) layers`;

async function timeIt(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const sqlMs: number[] = [];
const plainMs: number[] = [];
const coldMs: number[] = [];
const rounds = Number(process.argv[2] ?? 3);
for (let r = 0; r < rounds; r++) {
  for (const [z, x, y] of tiles) {
    // Each measured once per round under the same conditions; the p50 over all tiles and rounds is compared.
    sqlMs.push(await timeIt(() => repo.mvtTile(z, x, y)));
    plainMs.push(await timeIt(() => db.query(PLAIN, [z, x, y])));
    const app = createApp({ getDb: () => db, webDist: null });
    await app.request('/api/health'); // publication state read, as a running server has it
    coldMs.push(await timeIt(() => app.request(`/tiles/areas/${z}/${x}/${y}.mvt`, { headers: { 'Accept-Encoding': 'gzip' } })));
  }
  process.stderr.write(`round ${r + 1}/${rounds}: ${tiles.length} tiles\n`);
}
await handle.close();
const p50s = median(sqlMs);
const p50c = median(coldMs);
process.stdout.write(
  `machine: ${machine()}\n` +
    `cold tiles on PostgreSQL, ${tiles.length} tiles z8–z14 × ${rounds} rounds\n` +
    `the server's tile SQL alone: p50 ${p50s.toFixed(2)} ms, p90 ${quantile(sqlMs, 0.9).toFixed(2)} ms\n` +
    `hand-written ST_AsMVT SQL: p50 ${median(plainMs).toFixed(2)} ms, p90 ${quantile(plainMs, 0.9).toFixed(2)} ms\n` +
    `first request after publish: p50 ${p50c.toFixed(2)} ms, p90 ${quantile(coldMs, 0.9).toFixed(2)} ms\n` +
    `ratio of p50 to the tile SQL: ${(p50c / p50s).toFixed(2)}× (target ≤ 2×); to the hand-written SQL: ${(p50c / median(plainMs)).toFixed(2)}×\n`,
);
