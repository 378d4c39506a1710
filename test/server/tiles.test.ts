import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { areasRepository } from '../../server/areas/repository.ts';
import { runQuiet, smallDemoJob } from '../helpers/demo.ts';
import { engines, type TestDatabase } from '../helpers/engines.ts';
import { coveringTiles, decodeTile, distanceToBoundary, hausdorff, toTileUnits, type DecodedFeature } from '../helpers/tiles.ts';

/**
 * Area tiles, decoded. PGlite cuts them in JavaScript (geojson-vt), PostgreSQL
 * with ST_AsMVT; both must give the same features, and neither may open gaps or
 * overlaps between neighbours. One pixel of a 512-pixel tile is 4096 / 512 = 8 units.
 */
const PIXEL = 8;
const ZOOMS = [0, 14] as const;

interface Served {
  name: string;
  t: TestDatabase;
  app: ReturnType<typeof createApp>;
  version: string;
}

async function fetchTile(s: Served, [z, x, y]: readonly number[]) {
  const res = await s.app.request(`/tiles/areas/${z}/${x}/${y}.mvt?v=${s.version}`, { headers: { 'Accept-Encoding': 'gzip' } });
  return { status: res.status, tile: res.status === 200 ? decodeTile(gunzipSync(Buffer.from(await res.arrayBuffer()))) : null };
}

const served: Served[] = [];
let tiles: [number, number, number][] = [];
/** level → area fid → outer and inner rings in lon/lat, from the published table. */
const original = new Map<string, Map<number, number[][][]>>();

beforeAll(async () => {
  for (const engine of engines()) {
    const t = await engine.open();
    const version = (await runQuiet(t.db, smallDemoJob())).dataVersion;
    served.push({ name: engine.name, t, app: createApp({ getDb: () => t.db, webDist: null }), version });
  }
  const db = served[0]!.t.db;
  tiles = coveringTiles((await areasRepository(() => db).extent())!, ZOOMS[0], ZOOMS[1]);
  for (const r of await db.query<{ level: string; fid: number; g: string }>(
    'SELECT level, fid, ST_AsGeoJSON(geom) AS g FROM published.areas',
  )) {
    if (!original.has(r.level)) original.set(r.level, new Map());
    original.get(r.level)!.set(Number(r.fid), (JSON.parse(r.g).coordinates as number[][][][]).flat());
  }
}, 120_000);
afterAll(async () => {
  for (const s of served) await s.t.dispose();
});

describe('area tiles on both engines', () => {
  it.runIf(engines().length === 2)(
    '[postgres] ST_AsMVT gives the same layers, ids and properties as geojson-vt, geometry within a pixel',
    async () => {
      const [js, pg] = served as [Served, Served];
      expect(js.name).toBe('pglite');
      let compared = 0;
      let worst = 0;
      for (const zxy of tiles) {
        const [a, b] = [await fetchTile(js, zxy), await fetchTile(pg, zxy)];
        expect({ zxy, status: b.status }).toEqual({ zxy, status: a.status });
        if (!a.tile || !b.tile) continue;
        expect([...b.tile.keys()].sort()).toEqual([...a.tile.keys()].sort());
        for (const [layer, features] of a.tile) {
          const other = b.tile.get(layer)!;
          expect({ zxy, layer, ids: [...other.keys()].sort() }).toEqual({ zxy, layer, ids: [...features.keys()].sort() });
          for (const [id, f] of features) {
            expect(other.get(id)!.properties).toEqual(f.properties);
            // Inside the tile: where an edge crosses the buffer's edge, the two clippers can
            // place the cut point several units apart along it (a nearly parallel edge),
            // and the buffer is never drawn.
            const d = hausdorff(f.rings, other.get(id)!.rings);
            worst = Math.max(worst, d.distance);
            expect({ zxy, layer, id, d, withinPixel: d.distance <= PIXEL }).toEqual({ zxy, layer, id, d, withinPixel: true });
            compared++;
          }
        }
      }
      expect(compared).toBeGreaterThan(500);
      expect(worst).toBeLessThanOrEqual(PIXEL);
    },
  );
});

describe.each(engines().map((e) => [e.name] as const))('[%s] area tiles', (name) => {
  it(`keep shared borders together: no gap or overlap wider than a pixel at zoom ${ZOOMS[0]}–${ZOOMS[1]}`, async () => {
    const s = served.find((x) => x.name === name)!;
    let checked = 0;
    for (const zxy of tiles) {
      const { tile } = await fetchTile(s, zxy);
      if (!tile) continue;
      for (const [level, features] of tile) {
        // Vertices that two areas of this level have in common lie on their shared border.
        const owners = new Map<string, number[]>();
        for (const [fid, rings] of original.get(level)!) {
          for (const ring of rings)
            for (const [lon, lat] of ring) owners.set(`${lon},${lat}`, [...(owners.get(`${lon},${lat}`) ?? []), fid]);
        }
        for (const [key, fids] of owners) {
          const ids = [...new Set(fids)];
          if (ids.length < 2) continue;
          const p = toTileUnits(...(key.split(',').map(Number) as [number, number]), zxy);
          if (p[0] < 0 || p[0] > 4096 || p[1] < 0 || p[1] > 4096) continue;
          for (let i = 0; i < ids.length; i++) {
            for (let j = i + 1; j < ids.length; j++) {
              const [a, b] = [features.get(ids[i]!), features.get(ids[j]!)] as (DecodedFeature | undefined)[];
              // An area too small to keep at this zoom leaves a hole that is itself below a pixel: not a border.
              if (!a || !b) continue;
              // The decoded borders of both neighbours pass within a pixel together of the true border point.
              const width = distanceToBoundary(p, a.rings) + distanceToBoundary(p, b.rings);
              expect({ zxy, level, ids: [ids[i], ids[j]], atMostPixel: width <= PIXEL }).toEqual({
                zxy,
                level,
                ids: [ids[i], ids[j]],
                atMostPixel: true,
              });
              checked++;
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
