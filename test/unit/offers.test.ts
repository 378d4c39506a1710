import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { AppError } from '../../core/errors.ts';
import { readOffers } from '../../pipeline/read/offers.ts';
import { smallDemoJob } from '../helpers/demo.ts';

const noGazetteer = () => Promise.reject(new Error('the gazetteer is not needed when every offer has coordinates'));

describe('offers as GeoJSON', () => {
  const job = smallDemoJob();
  const spec = job.offers!;
  const c = spec.columns;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-offers-'));
  const write = (features: unknown[], crs: unknown = { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::25832' } }) => {
    const file = path.join(dir, `o${Math.random().toString(36).slice(2)}.geojson`);
    fs.writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', crs, features }));
    return file;
  };

  it('reads the same offers from GeoJSON as from the demo CSV (lists as arrays, CRS from the crs member)', async () => {
    expect(inject('smallDemo')).toBeTruthy();
    const fromCsv = await readOffers(spec, noGazetteer, ['Musterstadt']);
    expect(fromCsv.offers).toHaveLength(90);
    const features = fromCsv.offers.map((o) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [o.x, o.y] },
      properties: {
        [c.name]: o.name,
        [c.provider]: o.provider,
        [c.categories]: o.categories,
        [c.targets]: o.targets,
        [c.languages]: o.languages,
        [c.street]: o.street,
        [c.number]: o.houseNumber,
        [c.postcode]: o.postcode,
        [c.city]: o.city,
        [c.phone]: o.phone,
        [c.email]: o.email,
        [c.openingHours]: o.openingHours,
        [c.barrierFree]: o.barrierFree === null ? null : o.barrierFree ? 'ja' : 'nein',
        [c.stand]: o.stand,
      },
    }));
    const fromGeoJson = await readOffers({ ...spec, format: 'geojson', crs: undefined, file: write(features) }, noGazetteer, [
      'Musterstadt',
    ]);
    expect(fromGeoJson.offers).toEqual(fromCsv.offers);
    expect(fromGeoJson.unplaced).toEqual([]);
  });

  it.each([
    [
      {
        type: 'LineString',
        coordinates: [
          [0, 0],
          [1, 1],
        ],
      },
      { Name: 'A', Kategorien: 'Beratung' },
      '(column features[0]): expected a Point geometry or null, found LineString',
    ],
    [
      { type: 'Point', coordinates: [370000, 5705000] },
      { Kategorien: 'Beratung' },
      '(column features[0].properties.Name): an offer needs a name',
    ],
    [
      { type: 'Point', coordinates: [370000, 5705000] },
      { Name: 'A' },
      '(column features[0].properties.Kategorien): an offer needs at least one category',
    ],
    [{ type: 'Point', coordinates: [51.4, 7.0] }, { Name: 'A', Kategorien: 'Beratung' }, '(column features[0]): '],
  ])('refuses %j with %j, naming the feature', async (geometry, properties, where) => {
    const file = write([{ type: 'Feature', geometry, properties }]);
    const err = await readOffers({ ...spec, format: 'geojson', crs: undefined, file }, noGazetteer, ['Musterstadt']).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toContain(where);
  });
});
