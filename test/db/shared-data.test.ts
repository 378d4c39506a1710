import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columns } from '../../core/db/index.ts';
import { loadBoundaries, loadGemeinden } from '../../pipeline/assign/boundaries.ts';
import { buildGazetteer } from '../../pipeline/geocode/gazetteer.ts';
import { matchAddress } from '../../pipeline/geocode/match.ts';
import { parseJob } from '../../pipeline/job.ts';
import { readBoundaries } from '../../pipeline/read/boundaries.ts';
import { readGazetteer, type GazetteerFile } from '../../pipeline/read/gazetteer.ts';
import { readSchools } from '../../pipeline/read/schools.ts';
import { readGemeinden } from '../../pipeline/read/gemeinden.ts';
import { OriginResolver } from '../../pipeline/geocode/origin.ts';
import { streetKey } from '../../pipeline/normalise/address.ts';
import { resetStaging } from '../../pipeline/staging.ts';
import { engines, type TestDatabase } from '../helpers/engines.ts';
import { geocodeNoisyEssen } from '../helpers/essen-geocoding.ts';
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

  it('joins the IT.NRW directory with Sozialindex ("5.0") and Startchancen to the MSB directory by Schulnummer', async () => {
    const job = essenJob();
    const { schools } = await readSchools({
      ...job.schools,
      sozialindex: {
        file: data('nrw_schulverzeichnis_sozialindex/AS_BS_Verzeichnis_2024_25_mit_Sozialindex_und_Koordinaten_und_Startchancen.csv'),
        schulnummer: 'Schulnummer',
        value: 'Sozialindex',
        startchancen: 'Startchancen-Schule',
      },
    });
    const essen = schools.filter((s) => s.ags === '05113000');
    expect([essen.length, essen.filter((s) => s.sozialindex !== null).length, essen.filter((s) => s.startchancen).length]).toEqual([
      170, 125, 63,
    ]);
    expect(schools.find((s) => s.schulnummer === '100020')).toMatchObject({ sozialindex: 5, startchancen: false, schulform: '02' });
    // Schools closed since 2021 are in the MSB file only: no value rather than a guess.
    expect(schools.filter((s) => s.sozialindex === null && s.startchancen === null).length).toBeGreaterThan(0);
  });

  it('reads the NRW Gemeinden (one-element arrays, 12-digit ARS) and resolves an Einpendler Wohnort by name or AGS', () => {
    const g = readGemeinden({
      file: data('nrw_gemeinden/nrw_gemeinden_georef_2023.geojson'),
      idProperty: 'gem_code',
      nameProperty: 'gem_name_short',
    });
    expect(g.gemeinden).toHaveLength(396);
    expect(g.srid).toBe(4326);
    const r = new OriginResolver(g.gemeinden);
    expect(
      ['Essen', 'Muelheim an der Ruhr', 'Stadt Bottrop', '5562014', '05913000', 'Kempen'].map(
        (w) => `${w} → ${r.resolve(w).id} ${r.resolve(w).name}`,
      ),
    ).toEqual([
      'Essen → 05113000 Essen',
      'Muelheim an der Ruhr → 05117000 Mülheim an der Ruhr',
      'Stadt Bottrop → 05512000 Bottrop',
      '5562014 → 05562014 Gladbeck',
      '05913000 → 05913000 Dortmund',
      'Kempen → 05166012 Kempen',
    ]);
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
    /** Stadtbezirk of every house coordinate, by "x,y". */
    const bezirkAt = new Map<string, string>();
    beforeAll(async () => {
      t = await engine.open();
      await resetStaging(t.db);
      await loadBoundaries(t.db, essenJob().boundaries.map(readBoundaries));
      await t.db.insertRows(
        'staging.addresses',
        columns('street_key text, x float8, y float8'),
        gazetteer.entries.map((e) => [streetKey(e.street), e.x, e.y]),
      );
      const rows = await t.db.query<{ x: number; y: number; area_id: string }>(
        `SELECT DISTINCT a.x, a.y, s.area_id FROM staging.addresses a
         JOIN staging.areas s ON ST_Intersects(s.geom, ST_SetSRID(ST_MakePoint(a.x, a.y), 4326))`,
      );
      for (const r of rows) bezirkAt.set(`${r.x},${r.y}`, r.area_id);
    }, 120_000);
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

    it('loads all 396 NRW Gemeinden as valid polygons, Essen with its area', async () => {
      const g = readGemeinden({
        file: data('nrw_gemeinden/nrw_gemeinden_georef_2023.geojson'),
        idProperty: 'gem_code',
        nameProperty: 'gem_name_short',
      });
      await loadGemeinden(t.db, g.gemeinden, g.srid);
      const [row] = await t.db.query<{ n: number; valid: number; essen_km2: number }>(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE ST_IsValid(geom))::int AS valid,
                (SELECT ST_Area(geom::geography) / 1e6 FROM staging.gemeinden WHERE ags = '05113000') AS essen_km2
         FROM staging.gemeinden`,
      );
      expect(row!.n).toBe(396);
      expect(row!.valid).toBe(396);
      // A generalised outline (VG250 "georef"): within 2 % of Essen's 210.3 km².
      expect(Math.abs(row!.essen_km2 - 210.3) / 210.3).toBeLessThan(0.02);
    });

    it('puts all but 8 house coordinates into a Stadtbezirk, as documented for the data', () => {
      const outside = gazetteer.entries.filter((e) => !bezirkAt.has(`${e.x},${e.y}`));
      expect(outside).toHaveLength(8);
    });

    it('assigns synthetic school records on real Essen addresses to the right Stadtbezirk and never guesses a street', () => {
      const result = geocodeNoisyEssen(gazetteer, bezirkAt, { seed: 11, sample: 20_000, fakes: 500 });
      // Targets of the pipeline issue: ≥ 99.5 % to the right Stadtbezirk, ≤ 0.05 % to a wrong one.
      expect(result.correct / result.real).toBeGreaterThanOrEqual(0.995);
      expect(result.wrong / result.real).toBeLessThanOrEqual(0.0005);
      expect(result.fakesGuessed).toBe(0);
    });
  });
});
