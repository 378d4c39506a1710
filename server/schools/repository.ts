import { sql } from 'kysely';
import type { Database } from '../../core/db/index.ts';

/** Every query on published schools, catchments and Einpendler flows. */
export function schoolsRepository(getDb: () => Database) {
  const schools = () =>
    getDb()
      .kysely.selectFrom('published.schools')
      .select(['schulnummer', 'name', 'schulform', 'schulform_name', 'sozialindex', 'startchancen'])
      .select([sql<number>`ST_X(geom)`.as('lon'), sql<number>`ST_Y(geom)`.as('lat')]);
  return {
    async list(schulform?: string) {
      let q = schools();
      if (schulform) q = q.where('schulform', '=', schulform);
      return q.orderBy('schulnummer').execute();
    },
    async get(schulnummer: string) {
      return schools().where('schulnummer', '=', schulnummer).executeTakeFirst();
    },
    async total(schulnummer: string, schuljahr: string) {
      return getDb()
        .kysely.selectFrom('published.school_totals')
        .select(['count', 'suppressed', 'reason'])
        .where('schulnummer', '=', schulnummer)
        .where('schuljahr', '=', schuljahr)
        .executeTakeFirst();
    },
    /** The school's pupils per residence area on one level (published cells only; absent = 0). */
    async catchment(schulnummer: string, level: string, schuljahr: string) {
      return getDb()
        .kysely.selectFrom('published.catchments as c')
        .innerJoin('published.areas as a', (j) => j.onRef('a.level', '=', 'c.level').onRef('a.area_id', '=', 'c.area_id'))
        .select(['c.area_id', 'a.fid', 'a.name', 'c.count', 'c.suppressed', 'c.reason'])
        .where('c.schulnummer', '=', schulnummer)
        .where('c.level', '=', level)
        .where('c.schuljahr', '=', schuljahr)
        .orderBy('c.area_id')
        .execute();
    },
    /** Einpendler per origin: over all schools (schulnummer '') or to one school. */
    async inflows(schuljahr: string, schulnummer: string) {
      return getDb()
        .kysely.selectFrom('published.inflows as f')
        .innerJoin('published.origins as o', 'o.origin_id', 'f.origin_id')
        .select(['f.origin_id', 'o.kind', 'o.name', 'f.count', 'f.suppressed', 'f.reason'])
        .where('f.schuljahr', '=', schuljahr)
        .where('f.schulnummer', '=', schulnummer)
        .orderBy('f.count', (ob) => ob.desc().nullsLast())
        .orderBy('f.origin_id')
        .execute();
    },
    /** Gemeinden of origin with their outlines, for the `gemeinden` tile layer. */
    async gemeinden() {
      return getDb().query<{ origin_id: string; name: string; geojson: string }>(
        `SELECT origin_id, name, ST_AsGeoJSON(geom, 6) AS geojson FROM published.origins WHERE kind = 'gemeinde' AND geom IS NOT NULL ORDER BY origin_id`,
      );
    },
    async flowSchuljahre(): Promise<string[]> {
      const rows = await getDb().kysely.selectFrom('published.school_totals').select('schuljahr').distinct().orderBy('schuljahr').execute();
      return rows.map((r) => r.schuljahr);
    },
  };
}
export type SchoolsRepository = ReturnType<typeof schoolsRepository>;
