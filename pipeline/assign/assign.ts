import { columns, type Sql } from '../../core/db/index.ts';
import { AppError } from '../../core/errors.ts';
import { Places, type HouseRow, type StreetAreaRow } from './places.ts';

/**
 * Assigns the gazetteer's houses to an area on every level, set-based in PostGIS,
 * before the records are read: every geocoded record lies at one of these houses
 * or on one of their streets, so points in polygons are found once per house, not
 * once per pupil (a city has tens of thousands of houses and up to a million pupil
 * records over the years). One point-in-polygon join gives both tables:
 *   house_areas    per house and level: the smallest id among the areas it lies in
 *                  (a point on a shared border: one area, deterministically) and how
 *                  many those are
 *   address_areas  per street and level: every area one of its addresses lies in
 * The rules that give a record its areas from these are in places.ts.
 */
export async function assignHouses(sql: Sql, gazetteerSrid: number): Promise<void> {
  await sql.exec(`
    CREATE UNLOGGED TABLE staging.house_points AS
      SELECT x, y, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), ${gazetteerSrid}), 4326) AS geom
      FROM (SELECT DISTINCT x, y FROM staging.addresses) p;
    CREATE UNLOGGED TABLE staging.house_hits AS
      SELECT p.x, p.y, a.level, a.area_id
      FROM staging.house_points p JOIN staging.areas a ON ST_Intersects(a.geom, p.geom);
    CREATE UNLOGGED TABLE staging.house_areas AS
      SELECT x, y, level, min(area_id) AS area_id, count(*)::int AS hits FROM staging.house_hits GROUP BY x, y, level;
    CREATE UNLOGGED TABLE staging.address_areas AS
      SELECT DISTINCT ad.street_key, h.level, h.area_id
      FROM staging.addresses ad JOIN staging.house_hits h ON h.x = ad.x AND h.y = ad.y;
  `);
  // Houses counted from the addresses (plain SQL), not from house_points: a statement
  // that fails inside PostGIS may leave zero rows instead of raising (seen on PGlite).
  const [check] = await sql.query<{ expected: number; points: number }>(
    `SELECT (SELECT count(*) FROM (SELECT DISTINCT x, y FROM staging.addresses) d)::int AS expected,
            (SELECT count(*) FROM staging.house_points WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom))::int AS points`,
  );
  if (check!.expected !== check!.points) {
    throw new AppError('integrity', `point construction lost houses: ${check!.points} of ${check!.expected}`);
  }
}

/**
 * The assigned houses (with their facts, see facts.ts) and streets, read once into
 * the places that the records stage gives each record.
 */
export async function readPlaces(sql: Sql, levels: readonly string[]): Promise<Places> {
  const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const rows = await sql.query<
    Record<string, unknown> & { x: number; y: number; gx: number | null; gy: number | null; nearest: string[] | null }
  >(
    `SELECT p.x, p.y, f.gx, f.gy, f.nearest,
       ${levels.map((l, i) => `max(h.area_id) FILTER (WHERE h.level = ${lit(l)}) AS a${i}, coalesce(max(h.hits) FILTER (WHERE h.level = ${lit(l)}), 0) AS n${i}`).join(',\n       ')}
     FROM staging.house_points p
     LEFT JOIN staging.house_facts f ON f.x = p.x AND f.y = p.y
     LEFT JOIN staging.house_areas h ON h.x = p.x AND h.y = p.y
     GROUP BY p.x, p.y, f.gx, f.gy, f.nearest`,
  );
  const houses: HouseRow[] = rows.map((r) => {
    // Facts come from a PostGIS statement as well (see the check above).
    if (r.gx === null || r.gy === null || r.nearest === null)
      throw new AppError('integrity', `house facts lost a house: ${r.x} ${r.y} has no point in metres`);
    return {
      x: r.x,
      y: r.y,
      gx: r.gx,
      gy: r.gy,
      nearest: r.nearest,
      area: levels.map((_, i) => (r[`a${i}`] as string | null) ?? null),
      hits: levels.map((_, i) => Number(r[`n${i}`])),
    };
  });
  const levelIndex = new Map(levels.map((l, i) => [l, i]));
  const streets = await sql.query<{ street_key: string; level: string; area_id: string }>(
    'SELECT street_key, level, area_id FROM staging.address_areas',
  );
  const streetAreas: StreetAreaRow[] = streets.map((s) => ({
    streetKey: s.street_key,
    level: levelIndex.get(s.level)!,
    areaId: s.area_id,
  }));
  return new Places(levels, houses, streetAreas);
}

/**
 * After the records: each record's place (staging.records.place) as rows of
 * staging.place_areas, and the view staging.record_areas (every record's area per
 * level) for reading, as tests and keepStaging users do.
 */
export async function stagePlaces(sql: Sql, places: Places): Promise<void> {
  const rows = places.all.flatMap((p) => p.areas.flatMap((a, i) => (a === null ? [] : [[p.id, places.levels[i]!, a]])));
  await sql.exec('CREATE UNLOGGED TABLE staging.place_areas (place int NOT NULL, level text NOT NULL, area_id text NOT NULL)');
  await sql.insertRows('staging.place_areas', columns('place int, level text, area_id text'), rows);
  await sql.exec(`
    CREATE VIEW staging.record_areas AS
      SELECT r.id, p.level, p.area_id FROM staging.records r JOIN staging.place_areas p ON p.place = r.place;`);
}
