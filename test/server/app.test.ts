import { gunzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMigrations } from '../../core/db/migrate.ts';
import { createApp } from '../../server/app.ts';
import { createPublicationState } from '../../server/publication.ts';
import { runQuiet, smallDemoJob } from '../helpers/demo.ts';
import { engines, type TestDatabase } from '../helpers/engines.ts';
import { tileOf } from '../helpers/tiles.ts';

describe.each(engines().map((e) => [e.name, e] as const))('[%s] server', (_, engine) => {
  let t: TestDatabase;
  let app: ReturnType<typeof createApp>;
  let version: string;
  let centre: { lon: number; lat: number };

  beforeAll(async () => {
    t = await engine.open();
    const publication = createPublicationState(() => t.db);
    app = createApp({ getDb: () => t.db, webDist: null, publication });
    // Before the first publication.
    const empty = await app.request('/api/health');
    expect(await empty.json()).toMatchObject({ status: 'ok', dataVersion: null });
    version = (await runQuiet(t.db, smallDemoJob())).dataVersion;
    publication.invalidate(); // as the server does after a run it started
    const [c] = await t.db.query<{ lon: number; lat: number }>(
      `SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM published.areas WHERE level = 'Quartier' ORDER BY area_id LIMIT 1`,
    );
    centre = c!;
  });
  afterAll(() => t?.dispose());

  it('GET /api/health names engine, schema version and data version', async () => {
    const res = await app.request('/api/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      status: 'ok',
      engine: engine.name,
      schemaVersion: readMigrations().at(-1)!.version,
      dataVersion: version,
      publishedAt: expect.any(String),
      municipality: 'Musterstadt',
      basemap: null,
    });
  });

  it('GET /api/levels lists the levels coarse to fine with area counts', async () => {
    const body = await (await app.request('/api/levels')).json();
    expect(body.levels.map((l: { level: string; areaCount: number }) => [l.level, l.areaCount])).toEqual([
      ['Stadtbezirk', 8],
      ['Stadtteil', 40],
      ['Quartier', 129],
    ]);
  });

  it('GET /api/levels/:level/areas gives every area with a label point inside it', async () => {
    const res = await app.request('/api/levels/Stadtteil/areas');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.level).toBe('Stadtteil');
    expect(body.areas).toHaveLength(40);
    const rows = await t.db.query<{ area_id: string; fid: number; name: string; parent_id: string }>(
      `SELECT area_id, fid, name, parent_id FROM published.areas WHERE level = 'Stadtteil' ORDER BY area_id`,
    );
    expect(
      body.areas.map((a: { areaId: string; fid: number; name: string; parentId: string }) => [a.areaId, a.fid, a.name, a.parentId]),
    ).toEqual(rows.map((r) => [r.area_id, Number(r.fid), r.name, r.parent_id]));
    // A number on both engines (PostgreSQL hands bigint over as text), as tiles and feature-state need it.
    expect(typeof body.areas[0].fid).toBe('number');
    for (const a of body.areas as { areaId: string; lon: number; lat: number }[]) {
      const [inside] = await t.db.query<{ ok: boolean }>(
        `SELECT ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) AS ok FROM published.areas WHERE level = 'Stadtteil' AND area_id = $3`,
        [a.lon, a.lat, a.areaId],
      );
      expect([a.areaId, inside!.ok]).toEqual([a.areaId, true]);
    }
    const missing = await app.request('/api/levels/Planet/areas');
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('not_found');
  });

  it('GET /api/indicators/:id/values gives every area with value, rank and map statistics', async () => {
    const res = await app.request('/api/indicators/schueler_insgesamt/values?level=Stadtbezirk&schuljahr=2024/25');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-data-version')).toBe(version);
    const body = await res.json();
    expect(body).toMatchObject({
      dataVersion: version,
      level: 'Stadtbezirk',
      schuljahr: '2024/25',
      disclosure: { minCount: 3, minDenominator: 10 },
    });
    expect(body.values).toHaveLength(8);
    const [db] = await t.db.query<{ total: number }>(
      `SELECT sum(numerator)::int AS total FROM published.indicator_values WHERE indicator_id = 'schueler_insgesamt' AND level = 'Stadtbezirk' AND schuljahr = '2024/25'`,
    );
    expect(body.values.reduce((s: number, v: { value: number }) => s + v.value, 0)).toBe(db!.total);
    // Suppressed areas have no value and no rank; the statistics cover the published ones.
    const sorted = body.values
      .filter((v: { value: number | null }) => v.value !== null)
      .sort((a: { value: number }, b: { value: number }) => b.value - a.value);
    expect(sorted.length).toBeGreaterThanOrEqual(5);
    expect(sorted[0].rank).toBe(1);
    for (const v of body.values) if (v.value === null) expect(v).toMatchObject({ suppressed: true, rank: null });
    expect(body.stats.min).toBe(sorted.at(-1).value);
    expect(body.stats.max).toBe(sorted[0].value);
    // Natural breaks cannot make more classes than there are values.
    for (const k of [3, 4, 5, 6, 7]) {
      for (const kind of ['quantile', 'equal']) expect(body.stats.breaks[kind][k]).toHaveLength(k + 1);
      expect(body.stats.breaks.jenks[k]).toHaveLength(Math.min(k, sorted.length) + 1);
    }
    // The whole city as the reference for deviations: it also counts pupils no Stadtbezirk holds (street level).
    const [city] = await t.db.query<{ numerator: number }>(
      `SELECT numerator FROM published.city_values WHERE indicator_id = 'schueler_insgesamt' AND schuljahr = '2024/25'`,
    );
    expect(city!.numerator).toBeGreaterThan(db!.total);
    expect(body.city).toEqual({ value: city!.numerator, numerator: city!.numerator, denominator: null, suppressed: false, reason: null });
  });

  it.each([
    ['/api/indicators/nope/values', 404, 'not_found'],
    ['/api/indicators/schueler_insgesamt/values?level=Galaxis', 400, 'bad_request'],
    ['/api/indicators/schueler_insgesamt/values?schuljahr=2024-25', 400, 'bad_request'],
    ['/api/indicators/schueler_insgesamt/values?schuljahr=1999/00', 404, 'not_found'],
    ["/api/indicators/schueler_insgesamt/values?level=Quartier'%20OR%201=1--", 400, 'bad_request'],
    ['/api/indicators/schueler_insgesamt/values?extra=1', 400, 'bad_request'],
    ['/api/nothing', 404, 'not_found'],
  ])('%s → %i %s as JSON without a stack trace', async (url, status, code) => {
    const res = await app.request(url);
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(body.error.code).toBe(code);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('TileJSON carries the data version in its tile URLs', async () => {
    const res = await app.request('http://localhost/tiles/areas.json');
    expect(res.status).toBe(200);
    const tj = await res.json();
    expect(tj).toMatchObject({
      tilejson: '3.0.0',
      minzoom: 6,
      maxzoom: 14,
      tiles: [`http://localhost/tiles/areas/{z}/{x}/{y}.mvt?v=${version}`],
    });
    expect(tj.vector_layers.map((l: { id: string }) => l.id)).toEqual(['Stadtbezirk', 'Stadtteil', 'Quartier']);
    expect(tj.bounds[0]).toBeLessThan(centre.lon);
    expect(tj.bounds[2]).toBeGreaterThan(centre.lon);
  });

  it('serves a versioned tile immutable and gzipped, with a strong ETag and 304', async () => {
    const { z, x, y } = tileOf(centre.lon, centre.lat, 12);
    const url = `/tiles/areas/${z}/${x}/${y}.mvt?v=${version}`;
    const res = await app.request(url, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const etag = res.headers.get('etag')!;
    expect(etag).toBe(`"${version}-areas-${z}-${x}-${y}-gz"`);
    const tile = new VectorTile(new PbfReader(gunzipSync(Buffer.from(await res.arrayBuffer()))));
    expect(Object.keys(tile.layers).sort()).toEqual(['Quartier', 'Stadtbezirk', 'Stadtteil']);
    const ids = await t.db.query<{ fid: number }>(`SELECT fid FROM published.areas WHERE level = 'Quartier'`);
    const q = tile.layers['Quartier']!;
    for (let i = 0; i < q.length; i++) {
      const f = q.feature(i);
      expect(ids.map((r) => Number(r.fid))).toContain(f.id);
      expect(f.properties).toMatchObject({
        level: 'Quartier',
        area_id: expect.any(String),
        name: expect.any(String),
        Stadtteil_id: expect.any(String),
      });
    }
    const again = await app.request(url, { headers: { 'If-None-Match': etag, 'Accept-Encoding': 'gzip' } });
    expect(again.status).toBe(304);
    // A strong ETag names one representation: the uncompressed bytes have their own.
    const plain = await app.request(url, { headers: { 'If-None-Match': etag } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('etag')).toBe(`"${version}-areas-${z}-${x}-${y}"`);
  });

  it('serves an unversioned tile URL with a short max-age, and plain bytes without gzip', async () => {
    const { z, x, y } = tileOf(centre.lon, centre.lat, 10);
    const res = await app.request(`/tiles/areas/${z}/${x}/${y}.mvt`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(new VectorTile(new PbfReader(new Uint8Array(await res.arrayBuffer()))).layers['Quartier']!.length).toBeGreaterThan(0);
  });

  it('refuses a tile URL pinned to another data version (test/server/versions.test.ts has the whole rule)', async () => {
    const { z, x, y } = tileOf(centre.lon, centre.lat, 10);
    const res = await app.request(`/tiles/areas/${z}/${x}/${y}.mvt?v=000000000000`);
    expect([res.status, res.headers.get('x-data-version'), (await res.json()).error.code]).toEqual([409, version, 'version_changed']);
  });

  it.each([
    ['/tiles/areas/3/0/0.mvt', 204],
    ['/tiles/areas/2/4/0.mvt', 400],
    ['/tiles/areas/23/0/0.mvt', 400],
    ['/tiles/areas/x/0/0.mvt', 400],
    ['/tiles/areas/99999999999/0/0.mvt', 400],
    ['/tiles/nolayer/0/0/0.mvt', 404],
    ['/tiles/nolayer.json', 404],
  ])('%s → %i', async (url, status) => {
    expect((await app.request(url)).status).toBe(status);
  });

  it('sends security headers', async () => {
    const res = await app.request('/api/health');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});
