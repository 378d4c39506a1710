import type { Sql } from '../../core/db/index.ts';
import type { CountRow } from '../protect/table.ts';
import { addDerivedSums, measureOf, RECORD_COLUMNS } from './measures.ts';

/** Level name of the Einpendler origins (NRW Gemeinden, other Länder, abroad) in the count table. */
export const ORIGIN_LEVEL = '@herkunft';

/**
 * Counts first. Every assigned record gets one row in staging.record_dims with its
 * area on each level and its category in each column; one scan with hashed
 * GROUPING SETS then counts every (area, Schuljahr, column value) on every level
 * at once — a million records are read once, not once per level and measure.
 * Derived sums (e.g. Sekundarstufe I) are added from the category counts.
 * Only non-zero cells come back; the table builder adds the zeros that are published.
 * Einpendler count per origin: the pupils and their flows to each school.
 */
export async function aggregateCounts(sql: Sql, levels: readonly string[]): Promise<CountRow[]> {
  const areaCols = levels.map((_, i) => `a${i}`);
  const pivot = levels.map((l, i) => `max(area_id) FILTER (WHERE level = '${l.replace(/'/g, "''")}') AS a${i}`).join(', ');
  const cols = RECORD_COLUMNS.map((c) => c.column);
  const sets = areaCols.flatMap((a) => [`(${a}, schuljahr)`, ...cols.map((c) => `(${a}, schuljahr, ${c})`)]);
  // GROUPING(...) has a 1-bit for every argument that a row is NOT grouped by; the last argument is bit 0.
  const grouping = [...areaCols, ...cols];
  // One statement list on one connection, so that SET applies to it. Areas come per
  // house (a few thousand) and only for records without a house point per record;
  // with statistics and enough work_mem the planner hashes all grouping sets in
  // one scan instead of sorting the table once per set (measured: 47 s → see docs).
  await sql.exec(`
    SET work_mem = '64MB';
    CREATE UNLOGGED TABLE staging.record_dims AS
      SELECT r.id, r.schuljahr, r.anzahl, ${areaCols.map((a) => `coalesce(h.${a}, o.${a}) AS ${a}`).join(', ')},
        ${RECORD_COLUMNS.map((c) => `${c.sql} AS ${c.column}`).join(',\n        ')}
      FROM staging.records r
      JOIN staging.schools s ON s.schulnummer = r.schulnummer
      JOIN staging.record_facts f ON f.id = r.id
      LEFT JOIN (SELECT x, y, ${pivot} FROM staging.house_areas GROUP BY x, y) h ON h.x = r.x AND h.y = r.y
      LEFT JOIN (SELECT id, ${pivot} FROM staging.record_areas_other GROUP BY id) o ON o.id = r.id
      WHERE r.bucket LIKE 'assigned:%';
    ANALYZE staging.record_dims;
    CREATE UNLOGGED TABLE staging.counts AS
      SELECT ${areaCols.join(', ')}, schuljahr, ${cols.join(', ')}, GROUPING(${grouping.join(', ')}) AS g, sum(anzahl)::int AS n
      FROM staging.record_dims
      GROUP BY GROUPING SETS (${sets.join(', ')});
    RESET work_mem;`);
  const rows = await sql.query<Record<string, string | number | null> & { g: number; n: number; schuljahr: string }>(
    'SELECT * FROM staging.counts',
  );

  const units = new Map<string, { level: string; areaId: string; schuljahr: string; counts: Map<string, number> }>();
  for (const row of rows) {
    const grouped = (name: string) => (row.g & (1 << (grouping.length - 1 - grouping.indexOf(name)))) === 0;
    const li = areaCols.findIndex(grouped);
    const areaId = row[areaCols[li]!];
    if (areaId === null || areaId === undefined) continue; // records unassigned on this level
    const column = cols.find(grouped);
    let measure = 'pupils';
    if (column) {
      const value = row[column];
      if (value === null || value === undefined) continue; // the record does not count in this column
      measure = measureOf(column, String(value));
    }
    const key = `${li}\u0000${areaId}\u0000${row.schuljahr}`;
    let unit = units.get(key);
    if (!unit) units.set(key, (unit = { level: levels[li]!, areaId: String(areaId), schuljahr: row.schuljahr, counts: new Map() }));
    unit.counts.set(measure, row.n);
  }

  const out: CountRow[] = [];
  for (const u of units.values()) {
    addDerivedSums(u.counts);
    for (const [measure, count] of u.counts) out.push({ level: u.level, areaId: u.areaId, schuljahr: u.schuljahr, measure, count });
  }
  const origins = await sql.query<{ origin: string; schuljahr: string; measure: string; n: number }>(`
    SELECT r.origin, r.schuljahr, m.measure, sum(r.anzahl)::int AS n
    FROM staging.records r
    CROSS JOIN LATERAL unnest(ARRAY['pupils', 'school:' || r.schulnummer]) AS m(measure)
    WHERE r.bucket = 'other_municipality'
    GROUP BY 1, 2, 3`);
  for (const r of origins) out.push({ level: ORIGIN_LEVEL, areaId: r.origin, schuljahr: r.schuljahr, measure: r.measure, count: r.n });
  return out;
}
