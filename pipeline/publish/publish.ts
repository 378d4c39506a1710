import { columns, type Sql } from '../../core/db/index.ts';
import { AppError } from '../../core/errors.ts';
import type { IndicatorDefinition } from '../aggregate/registry.ts';
import type { Dimension } from '../aggregate/measures.ts';
import type { Outputs } from '../protect/derive.ts';
import type { Disclosure } from '../protect/suppress.ts';
import { CITY_LEVEL } from '../protect/table.ts';
import type { Origin } from '../geocode/origin.ts';
import type { Offer } from '../read/offers.ts';
import { foldGerman } from '../normalise/address.ts';
import { featureId } from './fid.ts';

export interface PublishInput {
  runId: string;
  municipality: { name: string; ags: string };
  disclosure: Disclosure;
  licence: string;
  levels: { level: string; title: string }[];
  indicators: readonly IndicatorDefinition[];
  dimensions: readonly Dimension[];
  outputs: Outputs;
  /** Origins of Einpendler; Gemeinden with geometry come from staging.gemeinden. */
  origins: readonly Origin[];
  /** (level, areaId) → ids of all coarser areas, by level. */
  parents: Map<string, Record<string, string>>;
  /** CRS of staging.addresses, published in EPSG:4326 for address search. */
  gazetteerSrid: number;
  /** New offers; undefined keeps the published ones (they can be imported on their own). */
  offers?: readonly Offer[] | undefined;
}

/**
 * Swaps the new content into the published schema inside one transaction and
 * derives the data version from what was published: the same content always
 * gets the same version, so caches keyed by it never serve stale data.
 */
export async function publish(tx: Sql, p: PublishInput): Promise<string> {
  await tx.exec(`
    DELETE FROM published.inflows;
    DELETE FROM published.origins;
    DELETE FROM published.school_totals;
    DELETE FROM published.catchments;
    DELETE FROM published.breakdowns;
    DELETE FROM published.dimensions;
    DELETE FROM published.city_values;
    DELETE FROM published.indicator_values;
    DELETE FROM published.indicators;
    DELETE FROM published.schools;
    DELETE FROM published.areas;
    DELETE FROM published.levels;
    DELETE FROM published.addresses;`);
  await tx.insertRows(
    'published.levels',
    columns('level text, ordinal int, title text, parent_level text'),
    p.levels.map((l, i) => [l.level, i, l.title, i === 0 ? null : p.levels[i - 1]!.level]),
  );

  const areaKeys = await tx.query<{ level: string; area_id: string }>('SELECT level, area_id FROM staging.areas ORDER BY level, area_id');
  const fids = new Map<number, string>();
  const fidRows = areaKeys.map((a) => {
    const fid = featureId(a.level, a.area_id);
    const other = fids.get(fid);
    if (other) throw new AppError('integrity', `feature id collision between ${other} and ${a.level} ${a.area_id}; rename one area id`);
    fids.set(fid, `${a.level} ${a.area_id}`);
    return [a.level, a.area_id, fid, JSON.stringify(p.parents.get(`${a.level}\u0000${a.area_id}`) ?? {})];
  });
  await tx.exec('CREATE TEMP TABLE area_fids (level text, area_id text, fid bigint, parents text) ON COMMIT DROP');
  await tx.insertRows('area_fids', columns('level text, area_id text, fid bigint, parents text'), fidRows);
  await tx.exec(`
    INSERT INTO published.areas (level, area_id, fid, name, parent_id, parents, area_m2, geom, tile_props)
    SELECT a.level, a.area_id, f.fid, a.name, a.parent_id, f.parents::jsonb, ST_Area(a.geom::geography), a.geom,
      jsonb_build_object('area_id', a.area_id, 'name', a.name, 'level', a.level)
      || coalesce((SELECT jsonb_object_agg(k || '_id', v) FROM jsonb_each_text(f.parents::jsonb) p (k, v)), '{}')
    FROM staging.areas a JOIN area_fids f USING (level, area_id);`);
  // The schools with pupils in the records: every valid record counts in its school's total.
  await tx.query(
    `INSERT INTO published.schools (schulnummer, name, schulform, schulform_name, sozialindex, startchancen, geom)
     SELECT schulnummer, name, schulform, schulform_name, sozialindex, startchancen, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), srid), 4326)
     FROM staging.schools WHERE schulnummer = ANY ($1::text[])`,
    [[...new Set(p.outputs.schoolTotals.map((c) => c.schulnummer))]],
  );
  await tx.exec(`
    INSERT INTO published.addresses (street, house_number, number, postcode, municipality, street_key, street_fold, geom)
    SELECT DISTINCT ON (street, house_number, postcode, municipality)
      street, house_number, number, postcode, municipality, street_key, '',
      ST_Transform(ST_SetSRID(ST_MakePoint(x, y), ${Number(p.gazetteerSrid)}), 4326)
    FROM staging.addresses
    ORDER BY street, house_number, postcode, municipality, x, y;`);
  // German folding lives in TypeScript (one definition for both sides of matching), so it is applied here, per street.
  const streets = await tx.query<{ street: string }>('SELECT DISTINCT street FROM published.addresses');
  await tx.exec('CREATE TEMP TABLE street_folds (street text, fold text) ON COMMIT DROP');
  await tx.insertRows(
    'street_folds',
    columns('street text, fold text'),
    streets.map((r) => [r.street, foldGerman(r.street)]),
  );
  await tx.exec('UPDATE published.addresses a SET street_fold = f.fold FROM street_folds f WHERE f.street = a.street');

  const fields = [
    'id',
    'title',
    'definition',
    'theme',
    'kind',
    'unit',
    'numerator',
    'denominator',
    'reference',
    'polarity',
    'source',
    'caveats',
    'stichtag',
  ] as const;
  await tx.insertRows(
    'published.indicators',
    fields.map((name) => ({ name, type: 'text' })),
    p.indicators.map((i) => fields.map((f) => i[f])),
  );
  const o = p.outputs;
  const city = o.values.filter((v) => v.level === CITY_LEVEL);
  const areaValues = o.values.filter((v) => v.level !== CITY_LEVEL);
  await insertAll(
    tx,
    'published.indicator_values',
    'indicator_id text, level text, area_id text, schuljahr text, numerator int, denominator int, value float8, suppressed bool, reason text',
    areaValues.map((v) => [v.indicatorId, v.level, v.areaId, v.schuljahr, v.numerator, v.denominator, v.value, v.suppressed, v.reason]),
  );
  await insertAll(
    tx,
    'published.city_values',
    'indicator_id text, schuljahr text, numerator int, denominator int, value float8, suppressed bool, reason text',
    city.map((v) => [v.indicatorId, v.schuljahr, v.numerator, v.denominator, v.value, v.suppressed, v.reason]),
  );
  await insertAll(
    tx,
    'published.dimensions',
    'dimension text, ordinal int, title text, categories jsonb',
    p.dimensions.map((d, i) => [d.id, i, d.title, JSON.stringify(d.categories)]),
  );
  await insertAll(
    tx,
    'published.breakdowns',
    'level text, area_id text, schuljahr text, dimension text, category text, count int, suppressed bool, reason text',
    o.breakdowns.map((b) => [b.level, b.areaId, b.schuljahr, b.dimension, b.category, b.count, b.suppressed, b.reason]),
  );
  await insertAll(
    tx,
    'published.catchments',
    'schulnummer text, level text, area_id text, schuljahr text, count int, suppressed bool, reason text',
    o.catchments.map((c) => [c.schulnummer, c.level, c.areaId, c.schuljahr, c.count, c.suppressed, c.reason]),
  );
  await insertAll(
    tx,
    'published.school_totals',
    'schulnummer text, schuljahr text, count int, suppressed bool, reason text',
    o.schoolTotals.map((c) => [c.schulnummer, c.schuljahr, c.count, c.suppressed, c.reason]),
  );
  await tx.exec(`INSERT INTO published.origins (origin_id, kind, name, geom) SELECT ags, 'gemeinde', name, geom FROM staging.gemeinden`);
  await tx.insertRows(
    'published.origins',
    columns('origin_id text, kind text, name text'),
    p.origins.filter((x) => x.kind !== 'gemeinde').map((x) => [x.id, x.kind, x.name]),
  );
  await insertAll(
    tx,
    'published.inflows',
    'origin_id text, schulnummer text, schuljahr text, count int, suppressed bool, reason text',
    o.inflows.map((c) => [c.originId, c.schulnummer, c.schuljahr, c.count, c.suppressed, c.reason]),
  );

  if (p.offers) await replaceOffers(tx, p.offers);
  const version = await dataVersion(tx, { municipality: p.municipality, disclosure: p.disclosure, licence: p.licence });
  await tx.query(
    `INSERT INTO meta.publication (id, data_version, run_id, published_at, municipality, ags, disclosure, licence)
     VALUES (1, $1, $2, now(), $3, $4, $5::jsonb, $6)
     ON CONFLICT (id) DO UPDATE SET data_version = EXCLUDED.data_version, run_id = EXCLUDED.run_id,
       published_at = EXCLUDED.published_at, municipality = EXCLUDED.municipality, ags = EXCLUDED.ags,
       disclosure = EXCLUDED.disclosure, licence = EXCLUDED.licence`,
    [version, p.runId, p.municipality.name, p.municipality.ags, JSON.stringify(p.disclosure), p.licence],
  );
  return version;
}

async function insertAll(tx: Sql, table: string, spec: string, rows: unknown[][]): Promise<void> {
  const written = await tx.insertRows(table, columns(spec), rows);
  if (written !== rows.length) throw new AppError('integrity', `${table}: published ${written} of ${rows.length} rows`);
}

/** Replaces the published offers. Lists travel as JSON text: unnest cannot take arrays of arrays. */
export async function replaceOffers(tx: Sql, offers: readonly Offer[]): Promise<void> {
  const fields = columns(
    'offer_id text, name text, provider text, categories text, targets text, languages text, street text, house_number text, ' +
      'postcode text, city text, phone text, email text, opening_hours text, barrier_free bool, stand text, x float8, y float8, srid int',
  );
  await tx.exec(`DELETE FROM published.offers;
    CREATE TEMP TABLE offers_in (${fields.map((f) => `${f.name} ${f.type}`).join(', ')}) ON COMMIT DROP;`);
  const n = await tx.insertRows(
    'offers_in',
    fields,
    offers.map((o) => [
      o.offerId,
      o.name,
      o.provider,
      JSON.stringify(o.categories),
      JSON.stringify(o.targets),
      JSON.stringify(o.languages),
      o.street,
      o.houseNumber,
      o.postcode,
      o.city,
      o.phone,
      o.email,
      o.openingHours,
      o.barrierFree,
      o.stand,
      o.x,
      o.y,
      o.srid,
    ]),
  );
  if (n !== offers.length) throw new AppError('integrity', `staged ${n} of ${offers.length} offers`);
  await tx.exec(`
    INSERT INTO published.offers (offer_id, name, provider, categories, targets, languages, street, house_number, postcode, city,
      phone, email, opening_hours, barrier_free, stand, geom)
    SELECT offer_id, name, provider,
      ARRAY(SELECT jsonb_array_elements_text(categories::jsonb)), ARRAY(SELECT jsonb_array_elements_text(targets::jsonb)),
      ARRAY(SELECT jsonb_array_elements_text(languages::jsonb)), street, house_number, postcode, city, phone, email, opening_hours,
      barrier_free, stand::date, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), srid), 4326)
    FROM offers_in;
    DROP TABLE offers_in;`);
}

/**
 * The data version: a short hash of everything published, so the same content
 * always gets the same version and caches keyed by it never serve stale data.
 */
export async function dataVersion(
  tx: Sql,
  meta: { municipality: { name: string; ags: string }; disclosure: Disclosure; licence: string },
): Promise<string> {
  const [row] = await tx.query<{ version: string }>(
    `
    SELECT substr(md5(
      (SELECT coalesce(string_agg(level || '|' || ordinal || '|' || title, E'\\n' ORDER BY level), '') FROM published.levels) ||
      (SELECT coalesce(string_agg(level || '|' || area_id || '|' || name || '|' || coalesce(parent_id, '') || '|' || md5(ST_AsBinary(geom)), E'\\n' ORDER BY level, area_id), '') FROM published.areas) ||
      (SELECT coalesce(string_agg(schulnummer || '|' || name || '|' || schulform || '|' || coalesce(sozialindex::text, '') || '|' || coalesce(startchancen::text, '') || '|' || md5(ST_AsBinary(geom)), E'\\n' ORDER BY schulnummer), '') FROM published.schools) ||
      (SELECT coalesce(string_agg(i::text, E'\\n' ORDER BY id), '') FROM published.indicators i) ||
      (SELECT coalesce(string_agg(concat_ws('|', indicator_id, level, area_id, schuljahr, numerator, denominator, value, suppressed, reason), E'\\n'
                ORDER BY indicator_id, level, area_id, schuljahr), '') FROM published.indicator_values) ||
      (SELECT coalesce(string_agg(concat_ws('|', indicator_id, schuljahr, numerator, denominator, value, reason), E'\n'
                ORDER BY indicator_id, schuljahr), '') FROM published.city_values) ||
      (SELECT coalesce(string_agg(concat_ws('|', dimension, ordinal, title, categories), E'\n' ORDER BY dimension), '') FROM published.dimensions) ||
      (SELECT coalesce(string_agg(concat_ws('|', level, area_id, schuljahr, dimension, category, count, reason), E'\n'
                ORDER BY level, area_id, schuljahr, dimension, category), '') FROM published.breakdowns) ||
      (SELECT coalesce(string_agg(concat_ws('|', schulnummer, level, area_id, schuljahr, count, reason), E'\n'
                ORDER BY schulnummer, level, area_id, schuljahr), '') FROM published.catchments) ||
      (SELECT coalesce(string_agg(concat_ws('|', schulnummer, schuljahr, count, reason), E'\n' ORDER BY schulnummer, schuljahr), '')
                FROM published.school_totals) ||
      (SELECT coalesce(string_agg(concat_ws('|', origin_id, kind, name, md5(ST_AsBinary(geom))), E'\n' ORDER BY origin_id), '') FROM published.origins) ||
      (SELECT coalesce(string_agg(concat_ws('|', origin_id, schulnummer, schuljahr, count, reason), E'\n'
                ORDER BY origin_id, schulnummer, schuljahr), '') FROM published.inflows) ||
      (SELECT coalesce(string_agg(concat_ws('|', street, house_number, postcode, municipality, ST_AsText(geom)), E'\n'
                ORDER BY street, house_number, postcode, municipality), '') FROM published.addresses) ||
      (SELECT coalesce(string_agg(concat_ws('|', offer_id, name, provider, categories, targets, languages, street, house_number, postcode, city,
                phone, email, opening_hours, barrier_free, stand, md5(ST_AsBinary(geom))), E'\\n' ORDER BY offer_id), '') FROM published.offers) ||
      $1
    ), 1, 12) AS version`,
    [JSON.stringify({ m: meta.municipality, d: meta.disclosure, l: meta.licence })],
  );
  return row!.version;
}
