import { gunzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { distance } from '@turf/turf';
import ExcelJS from 'exceljs';
import { PbfReader } from 'pbf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createApp } from '../../server/app.ts';
import * as S from '../../server/schemas.ts';
import { publishedDemoApp } from '../helpers/demo.ts';
import { engines, type TestDatabase } from '../helpers/engines.ts';
import { tileOf } from '../helpers/tiles.ts';

const K = 3;

describe.each(engines().map((e) => [e.name, e] as const))('[%s] JSON API, exports and tile catalog', (_, engine) => {
  let t: TestDatabase;
  let app: ReturnType<typeof createApp>;
  let version: string;
  const get = async (url: string) => {
    const res = await app.request(url);
    return { res, body: res.headers.get('content-type')?.startsWith('application/json') ? await res.json() : null };
  };

  beforeAll(async () => {
    ({ t, app, version } = await publishedDemoApp(engine));
  });
  afterAll(() => t?.dispose());

  it.each([
    '/api/levels',
    '/api/indicators',
    '/api/indicators/schueler_insgesamt/values',
    '/api/areas/Stadtteil/11',
    '/api/areas/Stadtteil/11/schools',
    '/api/schools',
    '/api/flows/gemeinden',
    '/api/offers?near=7.05,51.47',
    '/api/offers/facets',
    '/api/levels/Quartier/areas',
    '/api/geocode?q=Garten',
    '/api/runs',
  ])('%s names the data version it was read from, in the body and the header', async (url) => {
    const { res, body } = await get(url);
    expect(res.status).toBe(200);
    expect(body.dataVersion).toBe(version);
    expect(res.headers.get('x-data-version')).toBe(version);
  });

  it('the area profile gives every indicator over time with rank, parent area and city', async () => {
    const { res, body } = await get('/api/areas/Stadtteil/11');
    expect(res.status).toBe(200);
    const p = S.AreaProfile.parse(body);
    expect(p.area).toMatchObject({ level: 'Stadtteil', areaId: '11', parents: [{ level: 'Stadtbezirk', areaId: '1' }] });
    const indicators = await t.db.query<{ id: string }>('SELECT id FROM published.indicators ORDER BY theme, id');
    expect(p.indicators.map((i) => i.indicator.id)).toEqual(indicators.map((i) => i.id));

    const pupils = p.indicators.find((i) => i.indicator.id === 'schueler_insgesamt')!;
    const own = await t.db.query<{ schuljahr: string; numerator: number | null }>(
      `SELECT schuljahr, numerator FROM published.indicator_values WHERE indicator_id = 'schueler_insgesamt' AND level = 'Stadtteil' AND area_id = '11' ORDER BY schuljahr`,
    );
    expect(pupils.series.map((s) => [s.schuljahr, s.numerator])).toEqual(own.map((r) => [r.schuljahr, r.numerator]));
    const parent = await t.db.query<{ numerator: number | null }>(
      `SELECT numerator FROM published.indicator_values WHERE indicator_id = 'schueler_insgesamt' AND level = 'Stadtbezirk' AND area_id = '1' ORDER BY schuljahr`,
    );
    expect(pupils.parent!.map((s) => s.numerator)).toEqual(parent.map((r) => r.numerator));
    const city = await t.db.query<{ numerator: number | null }>(
      `SELECT numerator FROM published.city_values WHERE indicator_id = 'schueler_insgesamt' ORDER BY schuljahr`,
    );
    expect(pupils.city.map((s) => s.numerator)).toEqual(city.map((r) => r.numerator));

    // The rank agrees with the values endpoint for every Schuljahr.
    for (const s of pupils.series) {
      const values = S.IndicatorValues.parse(
        (await get(`/api/indicators/schueler_insgesamt/values?level=Stadtteil&schuljahr=${s.schuljahr}`)).body,
      );
      const mine = values.values.find((v) => v.areaId === '11')!;
      expect(s.rank).toBe(mine.rank);
      expect(s.rankedAreas).toBe(values.stats.count);
    }
  });

  it('a Stadtbezirk profile has no parent; unknown areas are 404', async () => {
    const p = S.AreaProfile.parse((await get('/api/areas/Stadtbezirk/1')).body);
    expect(p.area.parents).toEqual([]);
    expect(p.indicators.every((i) => i.parent === null)).toBe(true);
    for (const url of ['/api/areas/Stadtteil/999', '/api/areas/Galaxis/1', '/api/areas/Stadtteil/999/schools']) {
      const { res, body } = await get(url);
      expect(res.status).toBe(404);
      expect(body.error.code).toBe('not_found');
    }
  });

  it("an area's schools: published counts only, shares of the area's pupils", async () => {
    const a = S.AreaSchools.parse((await get('/api/areas/Stadtteil/11/schools?schuljahr=2024/25')).body);
    const [total] = await t.db.query<{ numerator: number }>(
      `SELECT numerator FROM published.indicator_values WHERE indicator_id = 'schueler_insgesamt' AND level = 'Stadtteil' AND area_id = '11' AND schuljahr = '2024/25'`,
    );
    expect(a.total.count).toBe(total!.numerator);
    const rows = await t.db.query<{ schulnummer: string; count: number | null }>(
      `SELECT schulnummer, count FROM published.catchments WHERE level = 'Stadtteil' AND area_id = '11' AND schuljahr = '2024/25'`,
    );
    expect(a.schools.map((s) => [s.schulnummer, s.count]).sort()).toEqual(rows.map((r) => [r.schulnummer, r.count]).sort());
    for (const s of a.schools) {
      if (s.count === null) expect(s).toMatchObject({ suppressed: true, share: null });
      else {
        expect(s.count).toBeGreaterThanOrEqual(K);
        expect(s.share).toBe(Math.round((s.count / a.total.count!) * 1e4) / 1e4);
      }
    }
  });

  it("a school's catchment: its pupils per residence area, never a count below k", async () => {
    const [school] = await t.db.query<{ schulnummer: string }>(
      `SELECT schulnummer FROM published.school_totals WHERE schuljahr = '2024/25' AND count >= 50 ORDER BY schulnummer LIMIT 1`,
    );
    const c = S.Catchment.parse((await get(`/api/schools/${school!.schulnummer}/catchment?schuljahr=2024/25&level=Quartier`)).body);
    expect(c.level).toBe('Quartier');
    const cells = await t.db.query<{ area_id: string; count: number | null }>(
      `SELECT area_id, count FROM published.catchments WHERE schulnummer = $1 AND level = 'Quartier' AND schuljahr = '2024/25' ORDER BY area_id`,
      [school!.schulnummer],
    );
    expect(c.areas.map((x) => [x.areaId, x.count])).toEqual(cells.map((x) => [x.area_id, x.count]));
    expect(c.areas.some((x) => x.suppressed)).toBe(true); // the small demo has thin Quartier cells
    for (const x of c.areas) expect(x.count === null || x.count >= K).toBe(true);
    expect((await get('/api/schools/000000/catchment')).res.status).toBe(404);
  });

  it('schools list with Schulform filter', async () => {
    const all = S.SchoolList.parse((await get('/api/schools')).body);
    const gs = S.SchoolList.parse((await get('/api/schools?schulform=02')).body);
    const [n] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM published.schools WHERE schulform = '02'`);
    expect(gs.schools).toHaveLength(n!.n);
    expect(gs.schools.every((s) => s.schulform === '02' && s.schulformName === 'Grundschule')).toBe(true);
    expect(all.schools.length).toBeGreaterThan(gs.schools.length);
  });

  it('Einpendler by municipality: largest first, every count null or at least k', async () => {
    const f = S.GemeindeFlows.parse((await get('/api/flows/gemeinden?schuljahr=2024/25')).body);
    const rows = await t.db.query<{ origin_id: string; count: number | null }>(
      `SELECT origin_id, count FROM published.inflows WHERE schuljahr = '2024/25' AND schulnummer = ''`,
    );
    expect(f.origins).toHaveLength(rows.length);
    const counts = f.origins.map((o) => o.count).filter((n): n is number => n !== null);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    for (const o of f.origins) expect(o.count === null || o.count >= K).toBe(true);
    expect(f.origins.find((o) => o.originId === '05911000')).toMatchObject({ kind: 'gemeinde', name: 'Bochum' });
  });

  it('offers near a point: within the radius, nearest first, distances in metres', async () => {
    const o = S.OfferList.parse((await get('/api/offers?near=7.05,51.47&radius=3000')).body);
    expect(o.offers.length).toBeGreaterThan(3);
    const ds = o.offers.map((x) => x.distanceM);
    expect(ds).toEqual([...ds].sort((a, b) => a - b));
    for (const x of o.offers) {
      expect(x.distanceM).toBeLessThanOrEqual(3000);
      // Ellipsoidal (PostGIS geography) against spherical (turf): within 0.5 %.
      const sphere = distance([7.05, 51.47], [x.lon, x.lat], { units: 'meters' });
      expect(Math.abs(x.distanceM - sphere)).toBeLessThanOrEqual(Math.max(2, sphere * 0.005));
    }
    const [inRadius] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM published.offers WHERE ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint(7.05, 51.47), 4326)::geography, 3000)`,
    );
    expect(o.offers).toHaveLength(inRadius!.n);
  });

  it.each([
    ['category=Familienzentrum', (x: S.OfferListBody['offers'][number]) => x.categories.includes('Familienzentrum')],
    ['language=ara', (x: S.OfferListBody['offers'][number]) => x.languages.includes('ara')],
    ['barrierFree=true', (x: S.OfferListBody['offers'][number]) => x.barrierFree === true],
  ])('offers filtered by %s', async (filter, holds) => {
    const o = S.OfferList.parse((await get(`/api/offers?near=7.08,51.48&radius=20000&limit=200&${filter}`)).body);
    expect(o.offers.length).toBeGreaterThan(0);
    expect(o.offers.every(holds)).toBe(true);
    const all = S.OfferList.parse((await get(`/api/offers?near=7.08,51.48&radius=20000&limit=200`)).body);
    expect(o.offers.length).toBe(all.offers.filter(holds).length);
  });

  it('offer facets are the distinct categories, target groups and languages of all offers', async () => {
    const f = S.OfferFacets.parse((await get('/api/offers/facets')).body);
    const rows = await t.db.query<{ categories: string[]; targets: string[]; languages: string[] }>(
      'SELECT categories, targets, languages FROM published.offers',
    );
    const distinct = (k: 'categories' | 'targets' | 'languages') =>
      [...new Set(rows.flatMap((r) => r[k]))].sort((a, b) => a.localeCompare(b, 'de'));
    expect(f.categories).toEqual(distinct('categories'));
    expect(f.targets).toEqual(distinct('targets'));
    expect(f.languages).toEqual(distinct('languages'));
    expect(f.categories).toContain('Bildungsberatung');
    expect(f.languages).toContain('ara');
  });

  it('offers near a typed address start from that house', async () => {
    const [house] = await t.db.query<{ street: string; house_number: string; lon: number; lat: number }>(
      `SELECT street, house_number, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM published.addresses WHERE house_number <> '' ORDER BY street, number LIMIT 1`,
    );
    const o = S.OfferList.parse((await get(`/api/offers?address=${encodeURIComponent(`${house!.street} ${house!.house_number}`)}`)).body);
    expect(o.origin).toEqual({
      lon: house!.lon,
      lat: house!.lat,
      label: `${house!.street} ${house!.house_number}, 45${o.origin.label!.split(', 45')[1]}`,
    });
    expect(o.origin.label).toMatch(/, \d{5} Musterstadt$/);
    expect((await get('/api/offers?address=Nirgendwostrasse%201')).res.status).toBe(404);
  });

  it.each([
    ['/api/offers', 'exactly one of'],
    ['/api/offers?near=7,51&address=Gartenstr', 'exactly one of'],
    ['/api/offers?near=200,51', 'lon must be within'],
    ['/api/offers?near=7;51', 'expected lon,lat'],
    ['/api/offers?near=7,51&radius=0', 'radius'],
    ['/api/offers?near=7,51&radius=100000', 'radius'],
    ['/api/geocode?q=a', 'at least 2 characters'],
    ['/api/export/Quartier.geojson?shape=wide', 'CSV only'],
  ])('%s → 400 saying %s', async (url, message) => {
    const { res, body } = await get(url);
    expect(res.status).toBe(400);
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toContain(message);
  });

  it('geocode completes partial street names, house numbers with suffix, and tells municipalities apart', async () => {
    const [street] = await t.db.query<{ street: string; postcode: string }>(
      `SELECT street, min(postcode) AS postcode FROM published.addresses WHERE street LIKE '%str.' GROUP BY street HAVING count(*) > 5 AND bool_or(house_number ~ '[a-z]$') ORDER BY street LIMIT 1`,
    );
    const name = street!.street;
    // The gazetteer abbreviates ("Gartenstr."); people type "Gartenstra…", "Gartenstraße" or "gartenstr".
    const stem = name.replace(/str\.$/, '');
    for (const q of [`${stem}stra`, `${stem}straße`, `${stem}str`.toLowerCase()]) {
      const g = S.GeocodeList.parse((await get(`/api/geocode?q=${encodeURIComponent(q)}`)).body);
      expect(g.results[0]).toMatchObject({ street: name, houseNumber: '' });
    }
    // A shorter prefix offers every street that starts with it, in alphabetical order.
    const partial = S.GeocodeList.parse((await get(`/api/geocode?q=${encodeURIComponent(stem.slice(0, 3))}&limit=50`)).body);
    expect(partial.results.map((r) => r.street)).toContain(name);
    expect(partial.results.every((r) => r.street.toLowerCase().startsWith(stem.slice(0, 3).toLowerCase()))).toBe(true);
    const [house] = await t.db.query<{ house_number: string; number: number }>(
      `SELECT house_number, number FROM published.addresses WHERE street = $1 AND house_number ~ '[a-z]$' LIMIT 1`,
      [name],
    );
    expect(house).toBeDefined();
    const spaced = `${house!.number} ${house!.house_number.slice(-1).toUpperCase()}`;
    const g = S.GeocodeList.parse((await get(`/api/geocode?q=${encodeURIComponent(`${name} ${spaced}`)}`)).body);
    expect(g.results[0]).toMatchObject({ street: name, houseNumber: house!.house_number });
    // The same street and number in a neighbouring town: both offered, each labelled; a town narrows.
    await t.db.query(
      `INSERT INTO published.addresses (street, house_number, number, postcode, municipality, street_key, street_fold, geom)
       SELECT street, house_number, number, '46999', 'Nachbarstadt', street_key, street_fold, ST_Translate(geom, 0.3, 0)
       FROM published.addresses WHERE street = $1 AND house_number = '1'`,
      [name],
    );
    const both = S.GeocodeList.parse((await get(`/api/geocode?q=${encodeURIComponent(`${name} 1`)}`)).body);
    const exact = both.results.filter((r) => r.houseNumber === '1');
    expect(exact.map((r) => r.municipality).sort()).toEqual(['Musterstadt', 'Nachbarstadt']);
    expect(exact.map((r) => r.label)).toContain(`${name} 1, 46999 Nachbarstadt`);
    const one = S.GeocodeList.parse((await get(`/api/geocode?q=${encodeURIComponent(`${name} 1, Nachbar`)}`)).body);
    expect(one.results.map((r) => r.municipality)).toEqual(['Nachbarstadt']);
    const byPostcode = S.GeocodeList.parse((await get(`/api/geocode?q=${encodeURIComponent(`${name} 1, 46999`)}`)).body);
    expect(byPostcode.results.map((r) => r.label)).toEqual([`${name} 1, 46999 Nachbarstadt`]);
    await t.db.query(`DELETE FROM published.addresses WHERE municipality = 'Nachbarstadt'`);
    // LIKE wildcards in the input are plain characters.
    expect(S.GeocodeList.parse((await get('/api/geocode?q=%25%25%25')).body).results).toEqual([]);
  });

  it('runs: a summary without local paths, quarantine or per-school counts below k', async () => {
    const r = S.RunList.parse((await get('/api/runs')).body);
    expect(r.runs).toHaveLength(1);
    const run = r.runs[0]!;
    expect(run).toMatchObject({ status: 'published', dataVersion: version, jobName: 'musterstadt-demo' });
    expect(JSON.stringify(run)).not.toMatch(/quarantaene|\/tmp\/|\/work\//);
    expect(run.inputs.every((i) => !i.file.includes('/'))).toBe(true);
    const [stored] = await t.db.query<{ report: { matchRateBySchool: Record<string, { records: number; assigned: number }> } | string }>(
      'SELECT report FROM meta.runs',
    );
    const report = typeof stored!.report === 'string' ? JSON.parse(stored!.report) : stored!.report;
    const risky = Object.entries(report.matchRateBySchool as Record<string, { records: number; assigned: number }>).filter(
      ([, s]) => (s.assigned > 0 && s.assigned < K) || (s.records - s.assigned > 0 && s.records - s.assigned < K),
    );
    expect(risky.length).toBeGreaterThan(0); // the small demo has schools with 1–2 unmatched records
    for (const [nr] of risky) expect(run.matchRateBySchool[nr]).toBeUndefined();
    expect(Object.keys(run.matchRateBySchool).length).toBe(Object.keys(report.matchRateBySchool).length - risky.length);
  });

  it('exports: CSV for German Excel, wide CSV, GeoJSON and XLSX carry the same suppression as the API', async () => {
    const api = S.IndicatorValues.parse(
      (await get('/api/indicators/anteil_foerderschwerpunkt/values?level=Quartier&schuljahr=2024/25')).body,
    );
    const csvRes = await app.request('/api/export/Quartier.csv?indicators=anteil_foerderschwerpunkt&schuljahr=2024/25&decimalComma=true');
    expect(csvRes.status).toBe(200);
    expect(csvRes.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csvRes.headers.get('content-disposition')).toBe(`attachment; filename="quartiersmonitor_Quartier_2024-25_${version}.csv"`);
    const bytes = Buffer.from(await csvRes.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe('level;area_id;area_name;schuljahr;indicator;numerator;denominator;value;suppressed;reason');
    expect(lines).toHaveLength(api.values.length + 1);
    for (const v of api.values) {
      const line = lines.find((l) => l.startsWith(`Quartier;${v.areaId};`))!.split(';');
      expect(line[7]).toBe(v.value === null ? '' : String(v.value).replace('.', ','));
      expect(line[8]).toBe(v.suppressed ? 'ja' : 'nein');
      expect(line[9]).toBe(v.reason ?? '');
    }

    const wide = Buffer.from(
      await (
        await app.request('/api/export/Quartier.csv?indicators=anteil_foerderschwerpunkt,schueler_insgesamt&schuljahr=2024/25&shape=wide')
      ).arrayBuffer(),
    )
      .toString('utf8')
      .slice(1)
      .trimEnd()
      .split('\r\n');
    expect(wide[0]).toBe(
      'level;area_id;area_name;schuljahr;anteil_foerderschwerpunkt;anteil_foerderschwerpunkt_reason;schueler_insgesamt;schueler_insgesamt_reason',
    );
    expect(wide).toHaveLength(api.values.length + 1);
    for (const v of api.values)
      expect(wide.find((l) => l.startsWith(`Quartier;${v.areaId};`))!.split(';')[4]).toBe(v.value === null ? '' : String(v.value));

    const gj = (await get('/api/export/Quartier.geojson?indicators=anteil_foerderschwerpunkt&schuljahr=2024/25')).body;
    expect(gj).toBeNull(); // served as application/geo+json, not application/json
    const geoRes = await app.request('/api/export/Quartier.geojson?indicators=anteil_foerderschwerpunkt&schuljahr=2024/25');
    expect(geoRes.headers.get('content-type')).toBe('application/geo+json');
    const fc = await geoRes.json();
    expect(fc.features).toHaveLength(api.values.length);
    for (const f of fc.features) {
      const v = api.values.find((x) => x.areaId === f.properties.area_id)!;
      expect([f.properties.value, f.properties.suppressed, f.properties.reason]).toEqual([v.value, v.suppressed, v.reason]);
      expect(f.geometry.type).toBe('MultiPolygon');
    }

    const xRes = await app.request('/api/export/Quartier.xlsx?indicators=anteil_foerderschwerpunkt&schuljahr=2024/25');
    expect(xRes.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xRes.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    expect(sheet.rowCount).toBe(api.values.length + 1);
    expect(wb.worksheets.length).toBeGreaterThan(1); // the metadata sheet
    expect((await get('/api/export/Galaxis.csv')).res.status).toBe(400);
  });

  it('schools, offers and gemeinden tiles carry their attributes; indicator tiles bake in the API values', async () => {
    const [school] = await t.db.query<{ schulnummer: string; lon: number; lat: number; sozialindex: number | null }>(
      'SELECT schulnummer, ST_X(geom) AS lon, ST_Y(geom) AS lat, sozialindex FROM published.schools WHERE sozialindex IS NOT NULL ORDER BY schulnummer LIMIT 1',
    );
    const decode = async (url: string) => {
      const res = await app.request(url);
      expect(res.status).toBe(200);
      return new VectorTile(new PbfReader(new Uint8Array(await res.arrayBuffer())));
    };
    const at = tileOf(school!.lon, school!.lat, 14);
    const st = (await decode(`/tiles/schools/${at.z}/${at.x}/${at.y}.mvt`)).layers['schools']!;
    const features = Array.from({ length: st.length }, (_, i) => st.feature(i));
    expect(features.find((f) => f.properties.schulnummer === school!.schulnummer)).toMatchObject({
      id: Number(school!.schulnummer),
      properties: { sozialindex: school!.sozialindex },
    });

    const tj = (await get('/tiles/offers.json')).body;
    expect(tj.vector_layers.map((l: { id: string }) => l.id)).toEqual(['offers']);
    const [offer] = await t.db.query<{ lon: number; lat: number; name: string }>(
      'SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat, name FROM published.offers ORDER BY offer_id LIMIT 1',
    );
    const ot = tileOf(offer!.lon, offer!.lat, 13);
    const ol = (await decode(`/tiles/offers/${ot.z}/${ot.x}/${ot.y}.mvt`)).layers['offers']!;
    expect(Array.from({ length: ol.length }, (_, i) => ol.feature(i).properties.name)).toContain(offer!.name);

    const [gem] = await t.db.query<{ lon: number; lat: number }>(
      `SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM published.origins WHERE origin_id = '05911000'`,
    );
    const gt = tileOf(gem!.lon, gem!.lat, 9);
    const gl = (await decode(`/tiles/gemeinden/${gt.z}/${gt.x}/${gt.y}.mvt`)).layers['gemeinden']!;
    expect(Array.from({ length: gl.length }, (_, i) => gl.feature(i)).find((f) => f.id === 5911000)?.properties).toEqual({
      ags: '05911000',
      name: 'Bochum',
    });

    const api = S.IndicatorValues.parse(
      (await get('/api/indicators/anteil_foerderschwerpunkt/values?level=Stadtteil&schuljahr=2024/25')).body,
    );
    const itj = (await get('/tiles/indicator/anteil_foerderschwerpunkt/2024-25.json')).body;
    expect(itj.tiles).toEqual([`http://localhost/tiles/indicator/anteil_foerderschwerpunkt/2024-25/{z}/{x}/{y}.mvt?v=${version}`]);
    const whole = tileOf((itj.bounds[0] + itj.bounds[2]) / 2, (itj.bounds[1] + itj.bounds[3]) / 2, 6); // the whole city in one tile
    expect(tileOf(itj.bounds[0], itj.bounds[1], 6)).toEqual(whole);
    expect(tileOf(itj.bounds[2], itj.bounds[3], 6)).toEqual(whole);
    const mid = whole;
    const layer = (await decode(`/tiles/indicator/anteil_foerderschwerpunkt/2024-25/${mid.z}/${mid.x}/${mid.y}.mvt`)).layers['Stadtteil']!;
    expect(layer.length).toBe(api.values.length);
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      const v = api.values.find((x) => x.fid === f.id)!;
      expect([f.properties.value ?? null, f.properties.suppressed, f.properties.reason ?? null]).toEqual([v.value, v.suppressed, v.reason]);
    }
    expect((await app.request('/tiles/indicator/nope/2024-25/9/0/0.mvt')).status).toBe(404);
    expect((await app.request('/tiles/indicator/anteil_foerderschwerpunkt/2024%2F25/9/0/0.mvt')).status).toBe(400);
    expect((await app.request('/tiles/indicator/anteil_foerderschwerpunkt/1999-00.json')).status).toBe(404);
  });

  it('OpenAPI lists every JSON endpoint; the docs page links it', async () => {
    const doc = (await get('/api/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual([
      '/api/health',
      '/api/levels',
      '/api/levels/{level}/areas',
      '/api/indicators',
      '/api/indicators/{id}/values',
      '/api/areas/{level}/{id}',
      '/api/areas/{level}/{id}/schools',
      '/api/schools',
      '/api/schools/{schulnummer}/catchment',
      '/api/flows/gemeinden',
      '/api/offers',
      '/api/offers/facets',
      '/api/geocode',
      '/api/runs',
      '/api/export/{level}.{format}',
      '/api/admin/files',
      '/api/admin/files/{name}',
      '/api/admin/runs',
      '/api/admin/runs/{id}',
    ]);
    expect(Object.keys(doc.paths['/api/admin/files/{name}']).sort()).toEqual(['delete', 'put']);
    expect(doc.paths['/api/admin/runs'].post).toMatchObject({ security: [{ bearer: [] }], responses: { 202: { description: 'OK' } } });
    expect(doc.paths['/api/admin/runs'].post.requestBody.content['application/json'].schema.required).toEqual(['job']);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const q = doc.paths['/api/offers'].get.parameters;
    expect(q.find((p: { name: string }) => p.name === 'radius')).toMatchObject({ in: 'query', required: false, description: 'metres' });
    expect(doc.paths['/api/geocode'].get.parameters.find((p: { name: string }) => p.name === 'q').required).toBe(true);
    const html = await (await app.request('/api/docs')).text();
    expect(html).toContain('<a href="/api/openapi.json">');
    expect(html).toContain('GET /api/schools/{schulnummer}/catchment');
    expect(html).toContain('POST /api/admin/runs');
  });
});
