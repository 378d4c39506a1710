import { sql } from 'kysely';
import type { Database } from '../../core/db/index.ts';
import type { Schema } from '../../core/db/schema.ts';
import { TILE_BUFFER, TILE_EXTENT } from '../tiles/source.ts';

export type ProfileRow = Omit<Schema['published.indicator_values'], 'level' | 'area_id'>;

/** Every query on published areas and levels. */
export function areasRepository(getDb: () => Database) {
  return {
    async levels() {
      return getDb()
        .kysely.selectFrom('published.levels as l')
        .select(['l.level', 'l.title', 'l.ordinal', 'l.parent_level'])
        .select((eb) =>
          eb
            .selectFrom('published.areas as a')
            .whereRef('a.level', '=', 'l.level')
            .select(eb.fn.countAll<number>().as('n'))
            .as('area_count'),
        )
        .orderBy('l.ordinal')
        .execute();
    },

    async areas(level: string) {
      return getDb()
        .kysely.selectFrom('published.areas')
        .select(['area_id', 'fid', 'name', 'parent_id'])
        .where('level', '=', level)
        .orderBy('area_id')
        .execute();
    },

    /** Areas of a level with a label point that lies inside the area (not the centroid, which may fall outside). */
    async labelled(level: string) {
      return getDb().query<{ area_id: string; fid: number | string; name: string; parent_id: string | null; lon: number; lat: number }>(
        `SELECT area_id, fid, name, parent_id,
                round(ST_X(p)::numeric, 6)::float8 AS lon, round(ST_Y(p)::numeric, 6)::float8 AS lat
         FROM (SELECT area_id, fid, name, parent_id, ST_PointOnSurface(geom) AS p FROM published.areas WHERE level = $1) a
         ORDER BY area_id`,
        [level],
      );
    },

    /** Geometry for tiles: GeoJSON text per area with 6 decimals (~0.1 m). */
    async geometries() {
      return getDb()
        .kysely.selectFrom('published.areas as a')
        .innerJoin('published.levels as l', 'l.level', 'a.level')
        .select(['a.level', 'a.area_id', 'a.fid', 'a.name', 'a.parent_id', 'a.tile_props', 'l.ordinal'])
        .select(sql<string>`ST_AsGeoJSON(a.geom, 6)`.as('geojson'))
        .orderBy('l.ordinal')
        .orderBy('a.area_id')
        .execute();
    },

    /**
     * One areas tile cut by PostGIS (PostgreSQL only: PGlite has no ST_AsMVT), with the
     * layers, ids and properties of the JavaScript-cut tile: one layer per level in
     * level order, features by area id. Null when no feature reaches the tile.
     */
    async mvtTile(z: number, x: number, y: number): Promise<Uint8Array | null> {
      const [row] = await getDb().query<{ tile: Uint8Array | null }>(
        `WITH env AS (
           SELECT ST_TileEnvelope($1, $2, $3) AS m,
                  ST_Transform(ST_TileEnvelope($1, $2, $3, margin => $4::float8 / $5::float8), 4326) AS q
         ), features AS (
           SELECT a.level, a.fid, a.tile_props,
                  ST_AsMVTGeom(ST_Transform(a.geom, 3857), env.m, $5::int, $4::int, true) AS geom
           FROM published.areas a, env
           WHERE a.geom && env.q
           ORDER BY a.area_id
         ), layers AS (
           -- f holds exactly what the feature carries: id, geometry, properties (jsonb keys
           -- become properties). Rows arrive ordered by area id, as in the JavaScript tiles;
           -- ST_AsMVT skips the ones whose geometry was clipped away (NULL).
           SELECT l.ordinal, ST_AsMVT(f, l.level, $5::int, 'geom', 'fid') AS mvt
           FROM features f0
           JOIN published.levels l ON l.level = f0.level
           CROSS JOIN LATERAL (SELECT f0.fid, f0.geom, f0.tile_props) f
           GROUP BY l.ordinal, l.level
         )
         SELECT string_agg(mvt, ''::bytea ORDER BY ordinal) AS tile FROM layers`,
        [z, x, y, TILE_BUFFER, TILE_EXTENT],
      );
      return row?.tile && row.tile.length > 0 ? new Uint8Array(row.tile) : null;
    },

    async area(level: string, areaId: string) {
      return getDb()
        .kysely.selectFrom('published.areas')
        .select(['level', 'area_id', 'fid', 'name', 'parent_id', 'parents', 'area_m2'])
        .where('level', '=', level)
        .where('area_id', '=', areaId)
        .executeTakeFirst();
    },

    async names(keys: readonly { level: string; areaId: string }[]) {
      if (keys.length === 0) return [];
      return getDb()
        .kysely.selectFrom('published.areas')
        .select(['level', 'area_id', 'name'])
        .where((eb) => eb.or(keys.map((k) => eb.and([eb('level', '=', k.level), eb('area_id', '=', k.areaId)]))))
        .execute();
    },

    /**
     * Every indicator value of one area over all Schuljahre, with its rank among
     * the level's areas (1 = highest; ties share a rank; suppressed values have none).
     */
    async profileValues(level: string, areaId: string) {
      return getDb().query<ProfileRow & { rank: number | string | null; ranked: number | string }>(
        `SELECT * FROM (
           SELECT indicator_id, schuljahr, area_id, numerator, denominator, value, suppressed, reason,
             CASE WHEN value IS NOT NULL THEN rank() OVER (PARTITION BY indicator_id, schuljahr ORDER BY value DESC NULLS LAST) END AS rank,
             count(value) OVER (PARTITION BY indicator_id, schuljahr) AS ranked
           FROM published.indicator_values WHERE level = $1) v
         WHERE area_id = $2 ORDER BY indicator_id, schuljahr`,
        [level, areaId],
      );
    },

    async plainValues(level: string, areaId: string): Promise<ProfileRow[]> {
      return getDb()
        .kysely.selectFrom('published.indicator_values')
        .select(['indicator_id', 'schuljahr', 'numerator', 'denominator', 'value', 'suppressed', 'reason'])
        .where('level', '=', level)
        .where('area_id', '=', areaId)
        .orderBy('indicator_id')
        .orderBy('schuljahr')
        .execute();
    },

    async cityValues(): Promise<ProfileRow[]> {
      return getDb()
        .kysely.selectFrom('published.city_values')
        .select(['indicator_id', 'schuljahr', 'numerator', 'denominator', 'value', 'suppressed', 'reason'])
        .orderBy('indicator_id')
        .orderBy('schuljahr')
        .execute();
    },

    /** Where the area's pupils go to school: the catchment cells of every school for this area. */
    async schoolsOf(level: string, areaId: string, schuljahr: string) {
      return getDb()
        .kysely.selectFrom('published.catchments as c')
        .innerJoin('published.schools as s', 's.schulnummer', 'c.schulnummer')
        .select(['s.schulnummer', 's.name', 's.schulform', 's.schulform_name', 'c.count', 'c.suppressed', 'c.reason'])
        .select([sql<number>`ST_X(s.geom)`.as('lon'), sql<number>`ST_Y(s.geom)`.as('lat')])
        .where('c.level', '=', level)
        .where('c.area_id', '=', areaId)
        .where('c.schuljahr', '=', schuljahr)
        .orderBy('c.count', (ob) => ob.desc().nullsLast())
        .orderBy('s.schulnummer')
        .execute();
    },

    async extent(): Promise<[number, number, number, number] | null> {
      const row = await getDb()
        .kysely.selectFrom('published.areas')
        .select([
          sql<number>`ST_XMin(ST_Extent(geom))`.as('w'),
          sql<number>`ST_YMin(ST_Extent(geom))`.as('s'),
          sql<number>`ST_XMax(ST_Extent(geom))`.as('e'),
          sql<number>`ST_YMax(ST_Extent(geom))`.as('n'),
        ])
        .executeTakeFirst();
      return row && row.w !== null ? [row.w, row.s, row.e, row.n] : null;
    },
  };
}
export type AreasRepository = ReturnType<typeof areasRepository>;
