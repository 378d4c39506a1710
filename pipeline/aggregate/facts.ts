import type { Sql } from '../../core/db/index.ts';

/**
 * Per-record facts about the way to school, set-based in PostGIS:
 *   schulort  where the school lies relative to the pupil's home area on the
 *             local level: im_gebiet, anderes_gebiet, ausserhalb_stadt, or
 *             unbekannt when the home is not assigned on that level
 *   dist_m    straight-line distance home → school in metres (house-level records only)
 *   nearest   for pupils in Jahrgang 1–4 at a Grundschule with a house-level
 *             address: is the school one of the `nearest` closest Grundschulen?
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

export async function buildRecordFacts(sql: Sql, o: FactsOptions): Promise<void> {
  const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const home = `ST_Transform(ST_SetSRID(ST_MakePoint(r.x, r.y), ${o.gazetteerSrid}), 25832)`;
  await sql.exec(`
    CREATE UNLOGGED TABLE staging.school_geo AS
      SELECT s.schulnummer, s.schulform, ST_Transform(ST_SetSRID(ST_MakePoint(s.x, s.y), s.srid), 25832) AS g,
             ST_Transform(ST_SetSRID(ST_MakePoint(s.x, s.y), s.srid), 4326) AS g4326
      FROM staging.schools s;
    CREATE INDEX ON staging.school_geo USING gist (g);
    CREATE UNLOGGED TABLE staging.school_areas AS
      SELECT sg.schulnummer,
        (SELECT min(a.area_id) FROM staging.areas a WHERE a.level = ${lit(o.localLevel)} AND ST_Intersects(a.geom, sg.g4326)) AS local_area,
        EXISTS (SELECT 1 FROM staging.areas a WHERE a.level = ${lit(o.cityLevel)} AND ST_Intersects(a.geom, sg.g4326)) AS in_city
      FROM staging.school_geo sg;
    -- Nearest Grundschulen once per house, not once per pupil.
    CREATE UNLOGGED TABLE staging.nearest_schools AS
      SELECT h.x, h.y, ARRAY(
          SELECT sg.schulnummer FROM staging.school_geo sg WHERE sg.schulform = ${lit(o.grundschule)}
          ORDER BY sg.g <-> ST_Transform(ST_SetSRID(ST_MakePoint(h.x, h.y), ${o.gazetteerSrid}), 25832), sg.schulnummer
          LIMIT ${o.nearest}) AS schools
      FROM (SELECT DISTINCT r.x, r.y FROM staging.records r JOIN staging.schools s USING (schulnummer)
            WHERE r.x IS NOT NULL AND r.jahrgang IN ('01','02','03','04') AND s.schulform = ${lit(o.grundschule)}) h;
    CREATE INDEX ON staging.nearest_schools (x, y);
    CREATE UNLOGGED TABLE staging.record_facts AS
      SELECT r.id,
        CASE WHEN NOT sa.in_city THEN 'ausserhalb_stadt'
             WHEN coalesce(h.area_id, o.area_id) IS NULL THEN 'unbekannt'
             WHEN coalesce(h.area_id, o.area_id) = sa.local_area THEN 'im_gebiet'
             ELSE 'anderes_gebiet' END AS schulort,
        CASE WHEN r.x IS NOT NULL THEN ST_Distance(${home}, sg.g) END AS dist_m,
        CASE WHEN ns.schools IS NOT NULL THEN r.schulnummer = ANY (ns.schools) END AS nearest
      FROM staging.records r
      JOIN staging.school_geo sg USING (schulnummer)
      JOIN staging.school_areas sa USING (schulnummer)
      LEFT JOIN staging.house_areas h ON h.x = r.x AND h.y = r.y AND h.level = ${lit(o.localLevel)}
      LEFT JOIN staging.record_areas_other o ON o.id = r.id AND o.level = ${lit(o.localLevel)}
      LEFT JOIN staging.nearest_schools ns ON ns.x = r.x AND ns.y = r.y AND r.jahrgang IN ('01','02','03','04')
      WHERE r.bucket LIKE 'assigned:%';
    CREATE UNIQUE INDEX ON staging.record_facts (id);
  `);
}
