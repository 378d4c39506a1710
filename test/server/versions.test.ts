import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { createPublicationState, type Publication } from '../../server/publication.ts';
import { versionCheck } from '../../server/versions.ts';
import { runQuiet, smallDemoJob } from '../helpers/demo.ts';
import { engines, type TestDatabase } from '../helpers/engines.ts';
import { tileOf } from '../helpers/tiles.ts';

const VALUES = '/api/indicators/anteil_familiensprache_nicht_deutsch/values?level=Quartier';
const STADTTEIL = '/api/indicators/anteil_familiensprache_nicht_deutsch/values?level=Stadtteil';
const PROFILE = '/api/areas/Stadtteil/11';
const TILE = '/tiles/indicator/anteil_familiensprache_nicht_deutsch/2024-25/{tile}.mvt';

describe.each(engines().map((e) => [e.name, e] as const))('[%s] one data version per response', (_, engine) => {
  let t: TestDatabase;
  // A server whose cached publication state is stale for the whole test: as when
  // another process publishes on PostgreSQL between two re-reads of the state.
  let stale: ReturnType<typeof createApp>;
  let a: string;
  let b: string;
  let tile = '';
  // Tile paths name {tile}: a z12 tile inside the first Quartier, known once published.
  const url = (template: string, v: string) => `${template.replace('{tile}', tile)}${template.includes('?') ? '&' : '?'}v=${v}`;
  const bodies = async (app: ReturnType<typeof createApp>) => ({
    values: await (await app.request(VALUES)).text(),
    profile: await (await app.request(PROFILE)).text(),
  });
  let before: { values: string; profile: string };

  beforeAll(async () => {
    t = await engine.open();
    const publication = createPublicationState(() => t.db, { ttlMs: 3_600_000 });
    stale = createApp({ getDb: () => t.db, webDist: null, publication });
    a = (await runQuiet(t.db, smallDemoJob())).dataVersion;
    publication.invalidate();
    const [c] = await t.db.query<{ lon: number; lat: number }>(
      `SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM published.areas WHERE level = 'Quartier' ORDER BY area_id LIMIT 1`,
    );
    const { z, x, y } = tileOf(c!.lon, c!.lat, 12);
    tile = `${z}/${x}/${y}`;
    before = await bodies(stale);
    expect(JSON.parse(before.values).dataVersion).toBe(a);
    // k = 4 hides more: the two publications differ in content, not only in name.
    b = (await runQuiet(t.db, smallDemoJob({ disclosure: { minCount: 4, minDenominator: 10 } }))).dataVersion;
  });
  afterAll(() => t?.dispose());

  it('answers unpinned requests in one version each, and in the new one from the first response the old cache cannot give', async () => {
    expect(b).not.toBe(a);
    const fresh = createApp({ getDb: () => t.db, webDist: null });
    const reference = { ...(await bodies(fresh)), stadtteil: await (await fresh.request(STADTTEIL)).text() };
    expect(reference.values).not.toBe(before.values);
    // Kept from the old version while the state names it: old content under the old name.
    const kept = await stale.request(VALUES);
    expect([kept.headers.get('x-data-version'), await kept.text()]).toEqual([a, before.values]);
    // Built now, from the new publication: the state is wrong, the answer is not.
    const built = await stale.request(STADTTEIL);
    expect([built.status, built.headers.get('x-data-version'), await built.text()]).toEqual([200, b, reference.stadtteil]);
    // And from then on the state names the new version.
    const again = await stale.request(VALUES);
    expect([again.headers.get('x-data-version'), await again.text()]).toEqual([b, reference.values]);
    expect(await (await stale.request(PROFILE)).text()).toBe(reference.profile);
  });

  it.each([
    ['values', VALUES],
    ['a profile', PROFILE],
    ['an indicator tile', TILE],
    ['a geometry tile', '/tiles/areas/{tile}.mvt'],
  ])('refuses %s pinned to the withdrawn version with 409 naming the current one', async (_, template) => {
    const res = await stale.request(url(template, a));
    expect(res.status).toBe(409);
    expect(res.headers.get('x-data-version')).toBe(b);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      error: { code: 'version_changed', message: `data version ${a} is no longer published; the current one is ${b}` },
    });
  });

  it.each([
    ['values', VALUES],
    ['an indicator tile', TILE],
  ])('serves %s pinned to the current version as immutable', async (_, template) => {
    const res = await stale.request(url(template, b));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-data-version')).toBe(b);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });
});

describe('version check', () => {
  /** A route labelled `label`, and a database whose version moves `moves` times before it stays `settled`. */
  function setup(moves: number) {
    let calls = 0;
    let rereads = 0;
    const publication = {
      current: async () => ({ dataVersion: 'aaaaaaaaaaaa' }) as Publication,
      reread: async () => ({ dataVersion: ++rereads <= moves ? 'bbbbbbbbbbbb' : 'aaaaaaaaaaaa' }) as Publication,
      invalidate() {},
    };
    const check = versionCheck({ publication });
    const app = new Hono();
    app.use('*', check.middleware);
    app.get('/x', (c) => {
      calls++;
      c.header('X-Data-Version', 'aaaaaaaaaaaa');
      return c.json({ n: calls });
    });
    app.post('/x', (c) => {
      calls++;
      c.header('X-Data-Version', 'aaaaaaaaaaaa');
      return c.json({ n: calls });
    });
    return { fetch: check.wrap(app.fetch), calls: () => calls };
  }

  it.each([
    [0, 200, 1],
    [1, 200, 2],
    [2, 200, 3],
    [3, 503, 3],
  ])('with the version moving %i times: status %i after %i answers', async (moves, status, calls) => {
    const s = setup(moves);
    const res = await s.fetch(new Request('http://localhost/x'));
    expect(res.status).toBe(status);
    expect(s.calls()).toBe(calls);
    expect(res.headers.get('x-qm-version-moved')).toBeNull();
    if (status === 200) expect(await res.json()).toEqual({ n: calls });
    else {
      expect(res.headers.get('retry-after')).toBe('1');
      expect((await res.json()).error.code).toBe('unavailable');
    }
  });

  it('leaves requests with a body alone: they cannot be answered twice', async () => {
    const s = setup(5);
    const res = await s.fetch(new Request('http://localhost/x', { method: 'POST', body: '{}' }));
    expect(res.status).toBe(200);
    expect(s.calls()).toBe(1);
  });
});
