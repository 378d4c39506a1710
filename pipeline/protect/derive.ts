import type { IndicatorDefinition } from '../aggregate/registry.ts';
import type { Dimension } from '../aggregate/measures.ts';
import {
  countValue,
  rateValue,
  type CellRef,
  type CellStatus,
  type Disclosure,
  type ProtectedValue,
  type SuppressionReason,
} from './suppress.ts';
import { CITY_LEVEL, cellKey, type CellTable } from './table.ts';

/**
 * Turns protected count cells into what is published (pure): indicator values,
 * breakdowns by dimension, school catchments and Einpendler flows. Everything is
 * read from the same cells with the same status, so every output agrees.
 */
export interface IndicatorValue extends ProtectedValue {
  indicatorId: string;
  level: string;
  areaId: string;
  schuljahr: string;
}

export interface CountOut {
  count: number | null;
  suppressed: boolean;
  reason: SuppressionReason | null;
}

export interface Outputs {
  /** On the boundary levels and, with level CITY_LEVEL and areaId '', for the city. */
  values: IndicatorValue[];
  breakdowns: (CountOut & { level: string; areaId: string; schuljahr: string; dimension: string; category: string })[];
  catchments: (CountOut & { schulnummer: string; level: string; areaId: string; schuljahr: string })[];
  /** Einpendler per origin and school; schulnummer '' is the origin's total. */
  inflows: (CountOut & { originId: string; schulnummer: string; schuljahr: string })[];
  /** All pupils of a school in the records (residents, Einpendler, unmatched). */
  schoolTotals: (CountOut & { schulnummer: string; schuljahr: string })[];
}

export interface DeriveOptions {
  indicators: readonly IndicatorDefinition[];
  dimensions: readonly Dimension[];
  disclosure: Disclosure;
  /** Boundary levels; other levels in the table are origins or school totals. */
  levels: ReadonlySet<string>;
  originLevel: string;
  schoolLevel: string;
}

export function deriveOutputs(t: CellTable, status: readonly CellStatus[], o: DeriveOptions): Outputs {
  const ref = (i: number): CellRef => ({ value: t.cells[i]!.count, status: status[i]! });
  const countOut = (i: number): CountOut => {
    const s = status[i]!;
    return s ? { count: null, suppressed: true, reason: s } : { count: t.cells[i]!.count, suppressed: false, reason: null };
  };
  const out: Outputs = { values: [], breakdowns: [], catchments: [], inflows: [], schoolTotals: [] };
  const byNumerator = new Map<string, IndicatorDefinition[]>();
  for (const ind of o.indicators) {
    const list = byNumerator.get(ind.measures.numerator) ?? [];
    list.push(ind);
    byNumerator.set(ind.measures.numerator, list);
  }
  const dims = new Set(o.dimensions.map((d) => d.id));

  t.cells.forEach((c, i) => {
    const onArea = o.levels.has(c.level);
    for (const ind of byNumerator.get(c.measure) ?? []) {
      if (!onArea && c.level !== CITY_LEVEL) continue;
      let v: ProtectedValue;
      if (ind.kind === 'count') v = countValue(ref(i));
      else {
        const at = (m: string | undefined) => {
          const j = m === undefined ? undefined : t.index.get(cellKey(c.level, c.areaId, c.schuljahr, m));
          if (j === undefined) throw new Error(`${ind.id}: no cell ${m} for ${c.level} ${c.areaId} ${c.schuljahr}`);
          return ref(j);
        };
        v = rateValue(ref(i), at(ind.measures.denominator), at(ind.measures.complement), o.disclosure, ind.scale);
      }
      out.values.push({ indicatorId: ind.id, level: c.level, areaId: c.areaId, schuljahr: c.schuljahr, ...v });
    }
    if (c.measure === 'pupils') {
      if (c.level === o.originLevel) out.inflows.push({ originId: c.areaId, schulnummer: '', schuljahr: c.schuljahr, ...countOut(i) });
      else if (c.level === o.schoolLevel) out.schoolTotals.push({ schulnummer: c.areaId, schuljahr: c.schuljahr, ...countOut(i) });
      return;
    }
    const colon = c.measure.indexOf(':');
    if (colon < 0) return;
    const head = c.measure.slice(0, colon);
    const tail = c.measure.slice(colon + 1);
    if (onArea && dims.has(head)) {
      out.breakdowns.push({ level: c.level, areaId: c.areaId, schuljahr: c.schuljahr, dimension: head, category: tail, ...countOut(i) });
    } else if (head === 'school') {
      if (onArea) out.catchments.push({ schulnummer: tail, level: c.level, areaId: c.areaId, schuljahr: c.schuljahr, ...countOut(i) });
      else if (c.level === o.originLevel)
        out.inflows.push({ originId: c.areaId, schulnummer: tail, schuljahr: c.schuljahr, ...countOut(i) });
    }
  });
  return out;
}
