import crypto from 'node:crypto';
import { AppError } from '../../core/errors.ts';
import type { Gazetteer } from '../geocode/gazetteer.ts';
import { matchAddress } from '../geocode/match.ts';
import type { Job } from '../job.ts';
import { openCsv, requireColumn } from './csv.ts';
import { checkCoordinateRange, crsFromGeoJson, readJsonFile } from './geo.ts';

/**
 * Offers from CSV or GeoJSON: placed by their coordinates, or else by their address through
 * the gazetteer (exact house matches only — a counselling office in the wrong
 * street sends families to the wrong door). Offers that cannot be placed are not
 * published and are listed, with line and reason, in the run report.
 */
export interface Offer {
  offerId: string;
  name: string;
  provider: string;
  categories: string[];
  targets: string[];
  languages: string[];
  street: string;
  houseNumber: string;
  postcode: string;
  city: string;
  phone: string;
  email: string;
  openingHours: string;
  barrierFree: boolean | null;
  stand: string | null;
  x: number;
  y: number;
  srid: number;
}

export interface OffersRead {
  offers: Offer[];
  unplaced: { line: number; name: string; reason: string }[];
  sha256: string;
}

type Spec = NonNullable<Job['offers']>;

const list = (s: string) =>
  s
    .split(/[|,]/)
    .map((v) => v.trim())
    .filter(Boolean);

export interface PlacingGazetteer {
  index: Gazetteer;
  srid: number;
}

/** One offer as read from a CSV row or a GeoJSON feature. */
interface OfferSource {
  /** CSV line, or the feature's position (1-based) in a GeoJSON file. */
  line: number;
  get(column: string): string;
  /** Coordinates given with the offer, if any. */
  coordinates(): { x: number; y: number } | null;
  where(column?: string): { file: string; line?: number; column?: string };
}

/**
 * `gazetteer` is asked for only when an offer has no coordinates, so an offers
 * import with coordinates never loads the house coordinates at all.
 */
export async function readOffers(spec: Spec, gazetteer: () => Promise<PlacingGazetteer>, towns: string[]): Promise<OffersRead> {
  const { sources, sha256, srid } = spec.format === 'csv' ? await csvSources(spec) : geojsonSources(spec);
  const c = spec.columns;
  const out: OffersRead = { offers: [], unplaced: [], sha256 };
  const ids = new Set<string>();
  for await (const src of sources) {
    const get = (column: string) => src.get(column).trim();
    const name = get(c.name);
    if (!name) throw new AppError('invalid_input', 'an offer needs a name', src.where(c.name));
    const categories = list(get(c.categories));
    if (categories.length === 0) throw new AppError('invalid_input', 'an offer needs at least one category', src.where(c.categories));
    const bf = get(c.barrierFree).toLowerCase();
    const barrierFree = ['ja', 'j', 'yes', 'true', '1'].includes(bf) ? true : ['nein', 'n', 'no', 'false', '0'].includes(bf) ? false : null;
    const stand = get(c.stand) || null;
    if (stand && !/^\d{4}-\d{2}-\d{2}$/.test(stand))
      throw new AppError('invalid_input', `expected a date like 2024-09-01, found "${stand}"`, src.where(c.stand));

    let point: { x: number; y: number; srid: number } | null = null;
    const given = src.coordinates();
    if (given) {
      checkCoordinateRange(srid, given.x, given.y, src.where());
      point = { ...given, srid };
    } else {
      const g = await gazetteer();
      const m = matchAddress(g.index, get(c.street), get(c.number), '', { towns });
      if (m.status === 'matched' && m.quality !== 'without_suffix') point = { ...m.point, srid: g.srid };
      else {
        out.unplaced.push({ line: src.line, name, reason: m.status === 'unmatched' ? m.reason : 'house_not_found' });
        continue;
      }
    }
    const offerId = crypto
      .createHash('sha1')
      .update(`${name}|${get(c.street)}|${get(c.number)}`)
      .digest('hex')
      .slice(0, 12);
    if (ids.has(offerId)) throw new AppError('invalid_input', `duplicate offer "${name}" at the same address`, src.where());
    ids.add(offerId);
    out.offers.push({
      offerId,
      name,
      provider: get(c.provider),
      categories,
      targets: list(get(c.targets)),
      languages: list(get(c.languages)),
      street: get(c.street),
      houseNumber: get(c.number),
      postcode: get(c.postcode),
      city: get(c.city),
      phone: get(c.phone),
      email: get(c.email),
      openingHours: get(c.openingHours),
      barrierFree,
      stand,
      ...point,
    });
  }
  return out;
}

async function csvSources(spec: Spec) {
  const { file, columns: c } = spec;
  const t = await openCsv(file);
  requireColumn(t, file, c.name);
  requireColumn(t, file, c.categories);
  async function* rows(): AsyncGenerator<OfferSource> {
    for await (const row of t.rows) {
      const f = row.fields;
      if (f.length !== t.header.length)
        throw new AppError('invalid_input', `expected ${t.header.length} fields, found ${f.length}`, { file, line: row.line });
      const get = (column: string) => {
        const i = t.header.indexOf(column);
        return i >= 0 ? (f[i] ?? '') : '';
      };
      yield {
        line: row.line,
        get,
        where: (column) => ({ file, line: row.line, ...(column ? { column } : {}) }),
        coordinates() {
          const rawX = get(c.x).trim().replace(',', '.');
          const rawY = get(c.y).trim().replace(',', '.');
          if (!rawX || !rawY) return null;
          const x = Number(rawX);
          const y = Number(rawY);
          if (!Number.isFinite(x) || !Number.isFinite(y))
            throw new AppError('invalid_input', 'non-numeric coordinates', { file, line: row.line, column: c.x });
          return { x, y };
        },
      };
    }
  }
  return { sources: rows(), sha256: t.info.sha256, srid: spec.crs ?? 4326 };
}

/** GeoJSON: properties by the same column names; a Point geometry places the offer, a null geometry falls back to the address. */
function geojsonSources(spec: Spec) {
  const { file } = spec;
  const { json, sha256 } = readJsonFile(file);
  const doc = json as { type?: string; features?: unknown[]; crs?: unknown };
  if (doc?.type !== 'FeatureCollection' || !Array.isArray(doc.features))
    throw new AppError('invalid_input', 'expected a GeoJSON FeatureCollection', { file });
  const srid = spec.crs ?? crsFromGeoJson(doc.crs, file) ?? 4326;
  const sources = doc.features.map((raw, i): OfferSource => {
    const feature = raw as { properties?: Record<string, unknown> | null; geometry?: { type?: string; coordinates?: unknown } | null };
    const where = (column?: string) => ({ file, column: `features[${i}]${column ? `.properties.${column}` : ''}` });
    const props = feature.properties ?? {};
    return {
      line: i + 1,
      where,
      get(column) {
        const v = props[column];
        if (v === undefined || v === null) return '';
        return Array.isArray(v) ? v.join('|') : String(v);
      },
      coordinates() {
        const g = feature.geometry;
        if (!g) return null;
        const xy = g.coordinates as number[] | undefined;
        if (g.type !== 'Point' || !Array.isArray(xy) || !Number.isFinite(xy[0]) || !Number.isFinite(xy[1]))
          throw new AppError('invalid_input', `expected a Point geometry or null, found ${g.type ?? 'something else'}`, where());
        return { x: xy[0]!, y: xy[1]! };
      },
    };
  });
  return { sources, sha256, srid };
}
