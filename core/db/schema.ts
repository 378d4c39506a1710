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
}
