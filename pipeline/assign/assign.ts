import type { Sql } from '../../core/db/index.ts';
import { AppError } from '../../core/errors.ts';

/**
 * Assigns geocoded records to an area on every level, set-based in PostGIS.
 * Points in polygons are found once per house, not once per pupil (a city has
 * tens of thousands of houses and up to a million pupil records over the years).
 * A point on a shared border belongs to the area with the smaller id (one area,
 * deterministically). Street-level records are assigned only on levels where
 * every house of the street lies in the same area, ambiguous records only on
 * levels where all their candidate addresses do.
 * Returns, per level, how many records (rows) stayed unassigned.
 */
export async function assignRecords(sql: Sql, gazetteerSrid: number): Promise<Record<string, number>> {
  await sql.exec(`
    -- Records per house: one scan of the records for the points and both checks below.
    CREATE UNLOGGED TABLE staging.record_houses AS
      SELECT x, y, count(*)::int AS n FROM staging.records WHERE x IS NOT NULL GROUP BY x, y;
    CREATE UNLOGGED TABLE staging.house_points AS
      SELECT x, y, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), ${gazetteerSrid}), 4326) AS geom
      FROM staging.record_houses;
    CREATE UNLOGGED TABLE staging.house_areas AS
      SELECT DISTINCT ON (p.x, p.y, a.level) p.x, p.y, a.level, a.area_id
      FROM staging.house_points p JOIN staging.areas a ON ST_Intersects(a.geom, p.geom)
      ORDER BY p.x, p.y, a.level, a.area_id;
    CREATE UNLOGGED TABLE staging.address_areas AS
      SELECT DISTINCT ad.street_key, a.level, a.area_id
      FROM (SELECT street_key, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), ${gazetteerSrid}), 4326) AS geom
            FROM staging.addresses) ad
      JOIN staging.areas a ON ST_Intersects(a.geom, ad.geom);
    -- Records without a house point (street level, ambiguous): their areas per record.
    CREATE UNLOGGED TABLE staging.record_areas_other (id int NOT NULL, level text NOT NULL, area_id text NOT NULL);
    INSERT INTO staging.record_areas_other (id, level, area_id)
      SELECT r.id, s.level, min(s.area_id)
      FROM staging.records r JOIN staging.address_areas s ON s.street_key = r.street_key
      WHERE r.quality = 'street'
      GROUP BY r.id, s.level
      HAVING count(DISTINCT s.area_id) = 1;
    -- Ambiguous records: only on levels where every candidate lies in the same area.
    INSERT INTO staging.record_areas_other (id, level, area_id)
      SELECT c.id, a.level, min(a.area_id)
      FROM (SELECT id, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), ${gazetteerSrid}), 4326) AS geom
            FROM staging.record_candidates) c
      JOIN staging.areas a ON ST_Intersects(a.geom, c.geom)
      GROUP BY c.id, a.level
      HAVING count(DISTINCT a.area_id) = 1
         AND count(*) = (SELECT count(*) FROM staging.record_candidates c2 WHERE c2.id = c.id);
    CREATE INDEX ON staging.house_areas (x, y, level);
    CREATE INDEX ON staging.record_areas_other (id, level);
    -- Fresh tables have no statistics: without them PGlite planned the next stage's
    -- joins as nested loops (64 s instead of 9 s for a million records).
    ANALYZE staging.records;
    ANALYZE staging.house_areas;
    ANALYZE staging.record_areas_other;
    -- Every record's area per level, for reading (tests, checks); the stages use the two tables.
    CREATE VIEW staging.record_areas AS
      SELECT r.id, h.level, h.area_id FROM staging.records r JOIN staging.house_areas h ON h.x = r.x AND h.y = r.y
      UNION ALL SELECT id, level, area_id FROM staging.record_areas_other;
  `);
  // Houses counted from the records (record_houses is plain SQL), not from house_points:
  // a statement that fails inside PostGIS may leave zero rows instead of raising (seen on PGlite).
  const [check] = await sql.query<{ expected: number; points: number }>(
    `SELECT (SELECT count(*) FROM staging.record_houses)::int AS expected,
            (SELECT count(*) FROM staging.house_points WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom))::int AS points`,
  );
  if (check!.expected !== check!.points) {
    throw new AppError('integrity', `point construction lost houses: ${check!.points} of ${check!.expected}`);
  }
  // From the records per house (a few ten thousand), per level.
  const rows = await sql.query<{ level: string; unassigned: number }>(
    `WITH by_house AS (SELECT h.level, sum(p.n) AS n FROM staging.record_houses p JOIN staging.house_areas h ON h.x = p.x AND h.y = p.y GROUP BY h.level),
          other AS (SELECT level, count(*) AS n FROM staging.record_areas_other GROUP BY level)
     SELECT l.level,
       ((SELECT count(*) FROM staging.records WHERE bucket LIKE 'assigned:%')
        - coalesce((SELECT n FROM by_house b WHERE b.level = l.level), 0)
        - coalesce((SELECT n FROM other o WHERE o.level = l.level), 0))::int AS unassigned
     FROM (SELECT DISTINCT level, ordinal FROM staging.areas) l ORDER BY l.ordinal`,
  );
  return Object.fromEntries(rows.map((r) => [r.level, r.unassigned]));
}
