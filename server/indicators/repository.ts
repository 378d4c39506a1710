import type { Database } from '../../core/db/index.ts';

/** Every query on the indicator registry and values. */
export function indicatorsRepository(getDb: () => Database) {
  return {
    async list() {
      return getDb().kysely.selectFrom('published.indicators').selectAll().orderBy('theme').orderBy('id').execute();
    },
    async get(id: string) {
      return getDb().kysely.selectFrom('published.indicators').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async schuljahre(): Promise<string[]> {
      const rows = await getDb()
        .kysely.selectFrom('published.indicator_values')
        .select('schuljahr')
        .distinct()
        .orderBy('schuljahr')
        .execute();
      return rows.map((r) => r.schuljahr);
    },
    /** One indicator's values on every level, for indicator tiles. */
    async allLevels(id: string, schuljahr: string) {
      return getDb()
        .kysely.selectFrom('published.indicator_values')
        .select(['level', 'area_id', 'numerator', 'denominator', 'value', 'suppressed', 'reason'])
        .where('indicator_id', '=', id)
        .where('schuljahr', '=', schuljahr)
        .execute();
    },
    /** The whole city's value, the reference for "deviation from the city". */
    async cityValue(id: string, schuljahr: string) {
      return getDb()
        .kysely.selectFrom('published.city_values')
        .select(['numerator', 'denominator', 'value', 'suppressed', 'reason'])
        .where('indicator_id', '=', id)
        .where('schuljahr', '=', schuljahr)
        .executeTakeFirst();
    },

    async values(id: string, level: string, schuljahr: string) {
      return getDb()
        .kysely.selectFrom('published.indicator_values as v')
        .innerJoin('published.areas as a', (j) => j.onRef('a.level', '=', 'v.level').onRef('a.area_id', '=', 'v.area_id'))
        .select(['v.area_id', 'a.fid', 'a.name', 'v.numerator', 'v.denominator', 'v.value', 'v.suppressed', 'v.reason'])
        .where('v.indicator_id', '=', id)
        .where('v.level', '=', level)
        .where('v.schuljahr', '=', schuljahr)
        .orderBy('v.area_id')
        .execute();
    },
  };
}
export type IndicatorsRepository = ReturnType<typeof indicatorsRepository>;
