import type { Sql } from '../../core/db/index.ts';
import type { Cell } from '../protect/suppress.ts';
import { PUPIL_INDICATORS } from './registry.ts';

/**
 * Counts first: one GROUP BY over the assigned records gives every measure per
 * level × area × Schuljahr; rates derive from these counts. Every area gets a
 * cell for every Schuljahr, zero where nobody lives (0 may be published).
 */
export interface AreaRef {
  level: string;
  areaId: string;
  parentId: string | null;
}

export async function aggregate(sql: Sql, areas: readonly AreaRef[], schuljahre: readonly string[]): Promise<Cell[]> {
  const rows = await sql.query<Record<string, number> & { level: string; area_id: string; schuljahr: string }>(`
    SELECT ra.level, ra.area_id, r.schuljahr,
      sum(r.anzahl)::int AS pupils,
      coalesce(sum(r.anzahl) FILTER (WHERE r.lang <> '' AND r.lang <> 'deu'), 0)::int AS lang_not_german,
      coalesce(sum(r.anzahl) FILTER (WHERE r.lang <> ''), 0)::int AS lang_known,
      coalesce(sum(r.anzahl) FILTER (WHERE r.foerder <> ''), 0)::int AS foerder,
      coalesce(sum(r.anzahl) FILTER (WHERE r.jahrgang IN ('05','06','07','08','09','10') AND s.schulform = '20'), 0)::int AS sek1_gymnasium,
      coalesce(sum(r.anzahl) FILTER (WHERE r.jahrgang IN ('05','06','07','08','09','10')), 0)::int AS sek1
    FROM staging.record_areas ra
    JOIN staging.records r ON r.id = ra.id
    JOIN staging.schools s ON s.schulnummer = r.schulnummer
    GROUP BY ra.level, ra.area_id, r.schuljahr`);
  const byKey = new Map(rows.map((r) => [`${r.level}\u0000${r.area_id}\u0000${r.schuljahr}`, r]));
  const cells: Cell[] = [];
  for (const ind of PUPIL_INDICATORS) {
    for (const a of areas) {
      for (const schuljahr of schuljahre) {
        const m = byKey.get(`${a.level}\u0000${a.areaId}\u0000${schuljahr}`);
        cells.push({
          indicatorId: ind.id,
          kind: ind.kind,
          level: a.level,
          areaId: a.areaId,
          parentId: a.parentId,
          schuljahr,
          numerator: m?.[ind.measures.numerator] ?? 0,
          denominator: ind.measures.denominator ? (m?.[ind.measures.denominator] ?? 0) : null,
          scale: ind.scale,
        });
      }
    }
  }
  return cells;
}
