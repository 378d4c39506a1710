import type { Sql } from '../../core/db/index.ts';
import type { SchoolFacts } from './tally.ts';

/**
 * What the facts about the way to school need, set-based in PostGIS, once per
 * school and once per gazetteer house (tens of thousands), before the records
 * are read:
 *   staging.school_facts  the school in metres, its area on the local level, and
 *                         whether it lies in the city
 *   staging.house_facts   the house in metres and its `nearest` closest Grundschulen
 * From them the tally (tally.ts) gives each record its schulort (im_gebiet,
 * anderes_gebiet, ausserhalb_stadt, unbekannt), its straight-line distance and, in
 * Jahrgang 1–4 at a Grundschule, whether the school is one of the nearest.
 * Distances are measured in ETRS89 / UTM 32N (EPSG:25832), the official metric
 * CRS of NRW, whatever CRS the inputs came in.
 */
export interface FactsOptions {
  /** Level whose areas count as "the pupil's own area" (e.g. Stadtteil). */
  localLevel: string;
  /** The coarsest level: its areas together make up the city. */
  cityLevel: string;
  gazetteerSrid: number;
  /** How many nearest Grundschulen count as "near" (3). */
  nearest: number;
  /** Schulform key of Grundschulen. */
  grundschule: string;
}

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

export async function buildRecordFacts(sql: Sql, o: FactsOptions): Promise<void> {
  await sql.exec(`
    CREATE UNLOGGED TABLE staging.school_geo AS
      SELECT s.schulnummer, s.schulform, ST_Transform(ST_SetSRID(ST_MakePoint(s.x, s.y), s.srid), 25832) AS g,
             ST_Transform(ST_SetSRID(ST_MakePoint(s.x, s.y), s.srid), 4326) AS g4326
      FROM staging.schools s;
    CREATE INDEX ON staging.school_geo USING gist (g);
    CREATE UNLOGGED TABLE staging.school_facts AS
      SELECT sg.schulnummer, ST_X(sg.g) AS gx, ST_Y(sg.g) AS gy,
        (SELECT min(a.area_id) FROM staging.areas a WHERE a.level = ${lit(o.localLevel)} AND ST_Intersects(a.geom, sg.g4326)) AS local_area,
        EXISTS (SELECT 1 FROM staging.areas a WHERE a.level = ${lit(o.cityLevel)} AND ST_Intersects(a.geom, sg.g4326)) AS in_city
      FROM staging.school_geo sg;
    -- Per house: its point in metres (as numbers, for plain arithmetic) and its nearest Grundschulen.
    CREATE UNLOGGED TABLE staging.house_facts AS
      SELECT p.x, p.y, ST_X(p.g) AS gx, ST_Y(p.g) AS gy,
        ARRAY(
          SELECT sg.schulnummer FROM staging.school_geo sg WHERE sg.schulform = ${lit(o.grundschule)}
          ORDER BY sg.g <-> p.g, sg.schulnummer
          LIMIT ${o.nearest}) AS nearest
      FROM (SELECT x, y, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), ${o.gazetteerSrid}), 25832) AS g FROM staging.house_points) p;
    CREATE UNIQUE INDEX ON staging.house_facts (x, y);
    ANALYZE staging.school_facts;
    ANALYZE staging.house_facts;
  `);
}

/** The schools' facts for the counts (a few hundred rows). */
export async function readSchoolFacts(sql: Sql): Promise<SchoolFacts[]> {
  const rows = await sql.query<{
    schulnummer: string;
    schulform: string;
    gx: number;
    gy: number;
    local_area: string | null;
    in_city: boolean;
  }>(
    `SELECT f.schulnummer, s.schulform, f.gx, f.gy, f.local_area, f.in_city
     FROM staging.school_facts f JOIN staging.schools s USING (schulnummer)`,
  );
  return rows.map((r) => ({
    schulnummer: r.schulnummer,
    schulform: r.schulform,
    gx: r.gx,
    gy: r.gy,
    localArea: r.local_area,
    inCity: r.in_city,
  }));
}
