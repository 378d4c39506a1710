import type { Sql } from '../../core/db/index.ts';
import type { CountRow } from '../protect/table.ts';
import { recordMeasuresSql } from './measures.ts';

/** Level name of the Einpendler origins (NRW Gemeinden, other Länder, abroad) in the count table. */
export const ORIGIN_LEVEL = '@herkunft';

/**
 * Counts first: every assigned record lists its measures once (staging.record_measures),
 * then one GROUP BY per level gives every count cell of every area × Schuljahr,
 * including the flows to each school. Only non-zero cells come back; the table
 * builder adds the zeros that are published.
 * Einpendler count per origin: the pupils and their flows to each school.
 */
export async function aggregateCounts(sql: Sql): Promise<CountRow[]> {
  await sql.exec(`
    CREATE UNLOGGED TABLE staging.record_measures AS
      SELECT r.id, r.schuljahr, r.anzahl, ${recordMeasuresSql()} AS measures
      FROM staging.records r
      JOIN staging.schools s ON s.schulnummer = r.schulnummer
      JOIN staging.record_facts f ON f.id = r.id;
    CREATE UNIQUE INDEX ON staging.record_measures (id);`);
  const rows = await sql.query<{ level: string; area_id: string; schuljahr: string; measure: string; n: number }>(`
    SELECT ra.level, ra.area_id, rm.schuljahr, m.measure, sum(rm.anzahl)::int AS n
    FROM staging.record_areas ra
    JOIN staging.record_measures rm ON rm.id = ra.id
    CROSS JOIN LATERAL unnest(rm.measures) AS m(measure)
    GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT '${ORIGIN_LEVEL}', r.origin, r.schuljahr, m.measure, sum(r.anzahl)::int
    FROM staging.records r
    CROSS JOIN LATERAL unnest(ARRAY['pupils', 'school:' || r.schulnummer]) AS m(measure)
    WHERE r.bucket = 'other_municipality'
    GROUP BY 1, 2, 3, 4`);
  return rows.map((r) => ({ level: r.level, areaId: r.area_id, schuljahr: r.schuljahr, measure: r.measure, count: r.n }));
}
