import crypto from 'node:crypto';
import { AppError } from '../../core/errors.ts';
import type { Gazetteer } from '../geocode/gazetteer.ts';
import { matchAddress } from '../geocode/match.ts';
import type { Job } from '../job.ts';
import { openCsv, requireColumn } from './csv.ts';
import { checkCoordinateRange } from './geo.ts';

/**
 * Offers from CSV: placed by their coordinates, or else by their address through
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

/**
 * `gazetteer` is asked for only when an offer has no coordinates, so an offers
 * import with coordinates never loads the house coordinates at all.
 */
export async function readOffers(spec: Spec, gazetteer: () => Promise<PlacingGazetteer>, towns: string[]): Promise<OffersRead> {
  const { file, columns: c } = spec;
  const t = await openCsv(file);
  const col = (name: string) => requireColumn(t, file, name);
  const opt = (name: string) => t.header.indexOf(name);
  const idx = {
    name: col(c.name),
    provider: opt(c.provider),
    categories: col(c.categories),
    targets: opt(c.targets),
    languages: opt(c.languages),
    street: opt(c.street),
    number: opt(c.number),
    postcode: opt(c.postcode),
    city: opt(c.city),
    phone: opt(c.phone),
    email: opt(c.email),
    hours: opt(c.openingHours),
    barrierFree: opt(c.barrierFree),
    x: opt(c.x),
    y: opt(c.y),
    stand: opt(c.stand),
  };
  const out: OffersRead = { offers: [], unplaced: [], sha256: t.info.sha256 };
  const ids = new Set<string>();
  for await (const row of t.rows) {
    const f = row.fields;
    const get = (i: number) => (i >= 0 ? (f[i] ?? '').trim() : '');
    const at = (column: string) => ({ file, line: row.line, column });
    if (f.length !== t.header.length)
      throw new AppError('invalid_input', `expected ${t.header.length} fields, found ${f.length}`, { file, line: row.line });
    const name = get(idx.name);
    if (!name) throw new AppError('invalid_input', 'an offer needs a name', at(c.name));
    const categories = list(get(idx.categories));
    if (categories.length === 0) throw new AppError('invalid_input', 'an offer needs at least one category', at(c.categories));
    const bf = get(idx.barrierFree).toLowerCase();
    const barrierFree = ['ja', 'j', 'yes', 'true', '1'].includes(bf) ? true : ['nein', 'n', 'no', 'false', '0'].includes(bf) ? false : null;
    const stand = get(idx.stand) || null;
    if (stand && !/^\d{4}-\d{2}-\d{2}$/.test(stand))
      throw new AppError('invalid_input', `expected a date like 2024-09-01, found "${stand}"`, at(c.stand));

    let point: { x: number; y: number; srid: number } | null = null;
    const rawX = get(idx.x).replace(',', '.');
    const rawY = get(idx.y).replace(',', '.');
    if (rawX && rawY) {
      const x = Number(rawX);
      const y = Number(rawY);
      if (!Number.isFinite(x) || !Number.isFinite(y)) throw new AppError('invalid_input', 'non-numeric coordinates', at(c.x));
      const srid = spec.crs ?? 4326;
      checkCoordinateRange(srid, x, y, { file, line: row.line });
      point = { x, y, srid };
    } else {
      const g = await gazetteer();
      const m = matchAddress(g.index, get(idx.street), get(idx.number), '', { towns });
      if (m.status === 'matched' && m.quality !== 'without_suffix') point = { ...m.point, srid: g.srid };
      else {
        out.unplaced.push({ line: row.line, name, reason: m.status === 'unmatched' ? m.reason : 'house_not_found' });
        continue;
      }
    }
    const offerId = crypto
      .createHash('sha1')
      .update(`${name}|${get(idx.street)}|${get(idx.number)}`)
      .digest('hex')
      .slice(0, 12);
    if (ids.has(offerId)) throw new AppError('invalid_input', `duplicate offer "${name}" at the same address`, { file, line: row.line });
    ids.add(offerId);
    out.offers.push({
      offerId,
      name,
      provider: get(idx.provider),
      categories,
      targets: list(get(idx.targets)),
      languages: list(get(idx.languages)),
      street: get(idx.street),
      houseNumber: get(idx.number),
      postcode: get(idx.postcode),
      city: get(idx.city),
      phone: get(idx.phone),
      email: get(idx.email),
      openingHours: get(idx.hours),
      barrierFree,
      stand,
      ...point,
    });
  }
  return out;
}
