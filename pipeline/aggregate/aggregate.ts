import type { Sql } from '../../core/db/index.ts';
import type { CountRow } from '../protect/table.ts';
import { recordFactsJoin } from './facts.ts';
import { addDerivedSums, measureOf, RECORD_COLUMNS } from './measures.ts';

/** Level name of the Einpendler origins (NRW Gemeinden, other Länder, abroad) in the count table. */
export const ORIGIN_LEVEL = '@herkunft';

export interface AggregateOptions {
  /** Statements the count is split into, run side by side on PostgreSQL (2: the cores of a small server); 1 on PGlite. */
  parts?: number;
}

/**
 * Counts first. staging.record_dims (a view) gives every assigned record its area
 * on each level and its category in each column. The records are first collapsed
 * into cells of equal areas and categories (a million records make about 300,000
 * cells), then one scan with hashed GROUPING SETS counts every (areas, Schuljahr,
 * column value); the per-level counts are summed here from the area tuples (a few
 * hundred), which is cheaper than a grouping set per level in the database. Both
 * steps run in `parts` (by record id) side by side, and the sums here add the parts.
 * Derived sums (e.g. Sekundarstufe I) are added from the category counts.
 * Only non-zero cells come back; the table builder adds the zeros that are published.
 * Einpendler count per origin: the pupils and their flows to each school.
 */
export async function aggregateCounts(
  sql: Sql,
  levels: readonly string[],
  localLevel: string,
  options: AggregateOptions = {},
): Promise<CountRow[]> {
  const o = { parts: 2, ...options };
  const areaCols = levels.map((_, i) => `a${i}`);
  const pivot = levels.map((l, i) => `max(area_id) FILTER (WHERE level = '${l.replace(/'/g, "''")}') AS a${i}`).join(', ');
  const home = areaCols[levels.indexOf(localLevel)]!; // the run picks the local level among `levels`
  const cols = RECORD_COLUMNS.map((c) => c.column);
  const keys = [...areaCols, 'schuljahr'];
  const sets = [`(${keys.join(', ')})`, ...cols.map((c) => `(${keys.join(', ')}, ${c})`)];
  await sql.exec(`
    CREATE VIEW staging.record_dims AS
      SELECT r.id, r.schuljahr, r.anzahl, ${areaCols.map((a) => `coalesce(h.${a}, o.${a}) AS ${a}`).join(', ')},
        ${RECORD_COLUMNS.map((c) => `${c.sql} AS ${c.column}`).join(',\n        ')}
      FROM staging.records r
      JOIN staging.schools s ON s.schulnummer = r.schulnummer
      LEFT JOIN (SELECT x, y, ${pivot} FROM staging.house_areas GROUP BY x, y) h ON h.x = r.x AND h.y = r.y
      LEFT JOIN (SELECT id, ${pivot} FROM staging.record_areas_other GROUP BY id) o ON o.id = r.id
      ${recordFactsJoin(`coalesce(h.${home}, o.${home})`)}
      WHERE r.bucket LIKE 'assigned:%';
    CREATE UNLOGGED TABLE staging.counts (${[...keys, ...cols].map((c) => `${c} text`).join(', ')}, g int, n int);`);
  // The count in parts, one statement list per connection: PostgreSQL runs them side by
  // side (its planner does not aggregate this in parallel on its own), PGlite in turn.
  // Each part collapses its records into cells and counts them; a count may come once
  // per part, and the sums below add them up. SET applies to its own list only. The
  // planner cannot estimate how many distinct categories computed columns have, assumes
  // one cell per record and would sort the million rows (measured: 3.2 s of sorting
  // against 0.1 s in a hash table of about 100 MB).
  await Promise.all(
    Array.from({ length: o.parts }, (_, part) =>
      sql.exec(`
        SET work_mem = '256MB';
        SET enable_sort = off;
        INSERT INTO staging.counts
          WITH cells AS MATERIALIZED (
            SELECT ${keys.join(', ')}, ${cols.join(', ')}, sum(anzahl)::int AS n
            FROM staging.record_dims WHERE id % ${o.parts} = ${part}
            GROUP BY ${keys.join(', ')}, ${cols.join(', ')})
          SELECT ${keys.join(', ')}, ${cols.join(', ')}, GROUPING(${cols.join(', ')}), sum(n)::int
          FROM cells
          GROUP BY GROUPING SETS (${sets.join(', ')});
        RESET enable_sort;
        RESET work_mem;`),
    ),
  );
  const rows = await sql.query<Record<string, string | number | null> & { g: number; n: number; schuljahr: string }>(
    'SELECT * FROM staging.counts',
  );

  const units = new Map<string, { level: string; areaId: string; schuljahr: string; counts: Map<string, number> }>();
  for (const row of rows) {
    // GROUPING(...) has a 1-bit for every column a row is NOT grouped by; the last column is bit 0.
    const ci = cols.findIndex((_, i) => (row.g & (1 << (cols.length - 1 - i))) === 0);
    let measure = 'pupils';
    if (ci >= 0) {
      const value = row[cols[ci]!];
      if (value === null || value === undefined) continue; // the record does not count in this column
      measure = measureOf(cols[ci]!, String(value));
    }
    for (const [li, a] of areaCols.entries()) {
      const areaId = row[a];
      if (areaId === null || areaId === undefined) continue; // records unassigned on this level
      const key = `${li}\u0000${areaId}\u0000${row.schuljahr}`;
      let unit = units.get(key);
      if (!unit) units.set(key, (unit = { level: levels[li]!, areaId: String(areaId), schuljahr: row.schuljahr, counts: new Map() }));
      unit.counts.set(measure, (unit.counts.get(measure) ?? 0) + row.n);
    }
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
