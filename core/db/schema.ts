import type { ColumnType } from 'kysely';

/** Kysely types for the tables the server reads (published and meta only). */
export interface Schema {
  'meta.schema_migrations': { version: number; name: string; checksum: string; applied_at: ColumnType<Date, never, never> };
  'meta.runs': {
    run_id: string;
    started_at: Date;
    finished_at: Date | null;
    status: 'running' | 'published' | 'failed';
    job_name: string;
    report: unknown;
  };
  'meta.publication': {
    id: number;
    data_version: string;
    run_id: string;
    published_at: Date;
    municipality: string;
    ags: string;
    disclosure: unknown;
    licence: string;
  };
  'published.levels': { level: string; ordinal: number; title: string; parent_level: string | null };
  'published.areas': {
    level: string;
    area_id: string;
    fid: number;
    name: string;
    parent_id: string | null;
    parents: unknown;
    area_m2: number;
    geom: unknown;
    /** Vector tile properties: area_id, name, level, <level>_id per containing area. */
    tile_props: unknown;
  };
  'published.indicators': {
    id: string;
    title: string;
    definition: string;
    theme: string;
    kind: 'count' | 'rate';
    unit: string;
    numerator: string;
    denominator: string | null;
    reference: 'Wohnort' | 'Schulort';
    polarity: 'higher_is_better' | 'higher_is_worse' | 'neutral';
    source: string;
    caveats: string;
    stichtag: string;
  };
  'published.indicator_values': {
    indicator_id: string;
    level: string;
    area_id: string;
    schuljahr: string;
    numerator: number | null;
    denominator: number | null;
    value: number | null;
    suppressed: boolean;
    reason: string | null;
  };
  'published.city_values': {
    indicator_id: string;
    schuljahr: string;
    numerator: number | null;
    denominator: number | null;
    value: number | null;
    suppressed: boolean;
    reason: string | null;
  };
  'published.schools': {
    schulnummer: string;
    name: string;
    schulform: string;
    schulform_name: string;
    sozialindex: number | null;
    startchancen: boolean | null;
    geom: unknown;
  };
  'published.dimensions': { dimension: string; ordinal: number; title: string; categories: unknown };
  'published.breakdowns': {
    level: string;
    area_id: string;
    schuljahr: string;
    dimension: string;
    category: string;
    count: number | null;
    suppressed: boolean;
    reason: string | null;
  };
  'published.catchments': {
    schulnummer: string;
    level: string;
    area_id: string;
    schuljahr: string;
    count: number | null;
    suppressed: boolean;
    reason: string | null;
  };
  'published.school_totals': { schulnummer: string; schuljahr: string; count: number | null; suppressed: boolean; reason: string | null };
  'published.origins': { origin_id: string; kind: 'gemeinde' | 'land' | 'ausland' | 'unbekannt'; name: string; geom: unknown };
  'published.inflows': {
    origin_id: string;
    schulnummer: string;
    schuljahr: string;
    count: number | null;
    suppressed: boolean;
    reason: string | null;
  };
  'published.offers': {
    offer_id: string;
    name: string;
    provider: string;
    categories: string[];
    targets: string[];
    languages: string[];
    street: string;
    house_number: string;
    postcode: string;
    city: string;
    phone: string;
    email: string;
    opening_hours: string;
    barrier_free: boolean | null;
    stand: Date | string | null;
    geom: unknown;
  };
  'published.addresses': {
    street: string;
    house_number: string;
    number: number | null;
    postcode: string;
    municipality: string;
    street_key: string;
    street_fold: string;
    geom: unknown;
  };
}
