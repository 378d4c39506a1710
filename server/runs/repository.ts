import type { Database } from '../../core/db/index.ts';

/** Every query on pipeline runs. */
export function runsRepository(getDb: () => Database) {
  return {
    async latest(limit: number) {
      return getDb()
        .kysely.selectFrom('meta.runs')
        .select(['run_id', 'job_name', 'status', 'started_at', 'finished_at', 'report'])
        .orderBy('started_at', 'desc')
        .limit(limit)
        .execute();
    },
  };
}
export type RunsRepository = ReturnType<typeof runsRepository>;
