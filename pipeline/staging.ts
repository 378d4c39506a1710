import type { Sql } from '../core/db/index.ts';

/**
 * Staging tables of one run. Raw pupil records and geocoded points live only
 * here, and only during a run (or with keepStaging). UNLOGGED: a crash loses
 * them, which is what we want anyway.
 */
export async function resetStaging(sql: Sql): Promise<void> {
  await sql.exec(`
    DROP SCHEMA IF EXISTS staging CASCADE;
    CREATE SCHEMA staging;
    CREATE UNLOGGED TABLE staging.areas_in (
      level text NOT NULL, ordinal int NOT NULL, area_id text NOT NULL, name text NOT NULL,
      parent_id text, srid int NOT NULL, geojson text NOT NULL
    );
    CREATE UNLOGGED TABLE staging.areas (
      level text NOT NULL, ordinal int NOT NULL, area_id text NOT NULL, name text NOT NULL, parent_id text,
      geom geometry(MultiPolygon, 4326) NOT NULL,
      PRIMARY KEY (level, area_id)
    );
    CREATE UNLOGGED TABLE staging.schools (
      schulnummer text PRIMARY KEY, name text NOT NULL, schulform text NOT NULL, schulform_name text NOT NULL,
      ags text, sozialindex int, startchancen boolean, x float8 NOT NULL, y float8 NOT NULL, srid int NOT NULL
    );
    CREATE UNLOGGED TABLE staging.addresses (
      street_key text NOT NULL, x float8 NOT NULL, y float8 NOT NULL,
      street text NOT NULL DEFAULT '', house_number text NOT NULL DEFAULT '', number int,
      postcode text NOT NULL DEFAULT '', municipality text NOT NULL DEFAULT ''
    );
    -- Its primary key is added once the records are loaded (loadRecords): cheaper than
    -- maintaining the index row by row.
    CREATE UNLOGGED TABLE staging.records (
      id int NOT NULL, file int NOT NULL, line int NOT NULL, schuljahr text NOT NULL, schulnummer text NOT NULL,
      jahrgang text NOT NULL, geschlecht text NOT NULL, lang text NOT NULL, nat text NOT NULL, zuzugsjahr int,
      foerder text NOT NULL, anzahl int NOT NULL, bucket text NOT NULL, quality text,
      -- Einpendler: where they live (AGS, land:<key>, ausland or unbekannt).
      origin text,
      street_key text, x float8, y float8,
      status text NOT NULL DEFAULT '', grundschulempfehlung text NOT NULL DEFAULT '', ls_schulnummer text NOT NULL DEFAULT '',
      -- Assigned records: their areas on every level, as rows of staging.place_areas (see assign.ts).
      place int
    );
    CREATE UNLOGGED TABLE staging.gemeinden (ags text PRIMARY KEY, name text NOT NULL, geom geometry(MultiPolygon, 4326) NOT NULL);
  `);
}

export { dropStaging } from '../core/db/open.ts';
