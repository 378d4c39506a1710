import { sql } from 'kysely';
import type { Database } from '../../core/db/index.ts';

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

    /** Geometry for tiles: GeoJSON text per area with 6 decimals (~0.1 m). */
    async geometries() {
      return getDb()
        .kysely.selectFrom('published.areas as a')
        .innerJoin('published.levels as l', 'l.level', 'a.level')
        .select(['a.level', 'a.area_id', 'a.fid', 'a.name', 'a.parent_id', 'a.parents', 'l.ordinal'])
        .select(sql<string>`ST_AsGeoJSON(a.geom, 6)`.as('geojson'))
        .orderBy('l.ordinal')
        .orderBy('a.area_id')
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
