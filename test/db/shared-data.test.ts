import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columns } from '../../core/db/index.ts';
import { loadBoundaries } from '../../pipeline/assign/boundaries.ts';
import { buildGazetteer } from '../../pipeline/geocode/gazetteer.ts';
import { matchAddress } from '../../pipeline/geocode/match.ts';
import { parseJob } from '../../pipeline/job.ts';
import { readBoundaries } from '../../pipeline/read/boundaries.ts';
import { readGazetteer, type GazetteerFile } from '../../pipeline/read/gazetteer.ts';
import { readSchools } from '../../pipeline/read/schools.ts';
import { resetStaging } from '../../pipeline/staging.ts';
import { engines, type TestDatabase } from '../helpers/engines.ts';
import { sharedData, SHARED_DATA } from '../helpers/requirements.ts';

/** Real NRW open data from ../shared/data, read exactly as published. */
const req = sharedData();
const data = (p: string) => path.join(SHARED_DATA, p);
const essenJob = () =>
  parseJob(
    JSON.stringify({
      municipality: { name: 'Essen', ags: '05113000' },
      boundaries: [
        {
          file: data('essen_boundaries/Stadtbezirke_WGS84.geojson'),
          level: 'Stadtbezirk',
          idProperty: 'STADTBEZ',
          nameProperty: 'STADTBEZR',
        },
      ],
      addresses: {
        file: data('essen_hauskoordinaten/hauskoordinaten_essen_2022-10-05_4326.geojson'),
        format: 'geojson',
        street: 'strname',
        number: 'hsnr',
        suffix: 'hsnrzu',
      },
      schools: { file: data('nrw_msb_schuldaten_2021/schuldaten.csv'), format: 'msb' },
      records: { file: 'unused.csv' },
    }),
    path.join(SHARED_DATA, 'job.json'),
  );

describe.skipIf(!req.available)('real NRW open data', () => {
  it('reads the MSB school directory as published (sep= line, quoted values, an EPSG "null" row)', async () => {
    const { schools } = await readSchools(essenJob().schools);
    expect(schools).toHaveLength(5507);
    expect(schools.every((s) => s.srid === 25832)).toBe(true);
    expect(schools.filter((s) => s.ags === '05113000').length).toBeGreaterThanOrEqual(170);
    expect(schools.find((s) => s.schulnummer === '100000')).toMatchObject({
      schulform: '25',
      schulformName: 'Weiterbildungskolleg',
      x: 378180,
      y: 5701853,
    });
  });

  let gazetteer: GazetteerFile;
  beforeAll(async () => {
    if (req.available) gazetteer = await readGazetteer(essenJob().addresses);
  });

  it('indexes the Essen house coordinates with abbreviated names, suffixes and points without number', () => {
    expect(gazetteer.entries).toHaveLength(102_981);
    const index = buildGazetteer(gazetteer.entries);
    expect(index.withoutNumber).toBe(3397);
    const some = gazetteer.entries.find((e) => e.suffix !== '' && /Str\.$/.test(e.street))!;
    const full = some.street.replace(/Str\.$/, 'Straße');
    expect(matchAddress(index, full, `${some.number} ${some.suffix.toUpperCase()}`, '')).toMatchObject({
      status: 'matched',
      quality: 'normalised',
      point: { x: some.x, y: some.y },
    });
    expect(matchAddress(index, 'Gibtsnichtstraße', '1', '')).toEqual({ status: 'unmatched', reason: 'unknown_street' });
  });

  describe.each(engines().map((e) => [e.name, e] as const))('[%s] Essen Stadtbezirke', (_, engine) => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await engine.open();
      await resetStaging(t.db);
      await loadBoundaries(t.db, essenJob().boundaries.map(readBoundaries));
    });
    afterAll(() => t?.dispose());

    it('loads the 9 Stadtbezirke from 4-D coordinates, valid, with the area of Essen', async () => {
      const [row] = await t.db.query<{ n: number; valid: number; km2: number }>(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE ST_IsValid(geom))::int AS valid, sum(ST_Area(geom::geography)) / 1e6 AS km2 FROM staging.areas`,
      );
      expect(row!.n).toBe(9);
      expect(row!.valid).toBe(9);
      expect(row!.km2).toBeGreaterThan(208);
      expect(row!.km2).toBeLessThan(212); // Essen: 210.3 km²
    });

    it('puts all but 8 house coordinates into a Stadtbezirk, as documented for the data', async () => {
      await t.db.insertRows(
        'staging.addresses',
        columns('street_key text, x float8, y float8'),
        gazetteer.entries.map((e) => ['k', e.x, e.y]),
      );
      const [row] = await t.db.query<{ outside: number }>(
        `SELECT count(*)::int AS outside FROM staging.addresses a
         WHERE NOT EXISTS (SELECT 1 FROM staging.areas s WHERE ST_Intersects(s.geom, ST_SetSRID(ST_MakePoint(a.x, a.y), 4326)))`,
      );
      expect(row!.outside).toBe(8);
    }, 120_000);
  });
});
