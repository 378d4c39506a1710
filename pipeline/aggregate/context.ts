import type { ContextValue } from '../read/indicators.ts';
import type { AreaNode, CountRow, Partition } from '../protect/table.ts';
import type { IndicatorDefinition } from './registry.ts';

/**
 * Context indicators given on one level, summed up to every coarser level (pure).
 * Counts add up, and so do numerators and denominators of rates; a coarser area
 * gets a value for an indicator and Schuljahr only when every one of its
 * children on the given level has one, so partial sums are never published.
 * The result are count cells: `ctx:<id>` (numerator), and for rates `ctx:<id>:den`
 * and `ctx:<id>:compl` (denominator − numerator), which go through the same
 * suppression as the pupil counts.
 */
export const contextMeasures = (id: string) => ({ numerator: `ctx:${id}`, denominator: `ctx:${id}:den`, complement: `ctx:${id}:compl` });

export function contextPartitions(definitions: readonly IndicatorDefinition[]): Partition[] {
  return definitions
    .filter((d) => d.kind === 'rate')
    .map((d) => {
      const m = contextMeasures(d.id);
      return { whole: m.denominator, parts: [m.numerator, m.complement] };
    });
}

interface Sum {
  indicatorId: string;
  level: string;
  areaId: string;
  schuljahr: string;
  numerator: number;
  denominator: number | null;
  n: number;
}

export function aggregateContext(
  values: readonly ContextValue[],
  level: string,
  areas: readonly AreaNode[],
  parents: ReadonlyMap<string, Record<string, string>>,
  definitions: readonly IndicatorDefinition[],
): CountRow[] {
  const kind = new Map(definitions.map((d) => [d.id, d]));
  const children = new Map<string, number>(); // coarser area → number of areas of `level` in it
  for (const a of areas) {
    if (a.level !== level) continue;
    for (const [lvl, id] of Object.entries(parents.get(`${level}\u0000${a.areaId}`) ?? {})) {
      const k = `${lvl}\u0000${id}`;
      children.set(k, (children.get(k) ?? 0) + 1);
    }
  }
  const sums = new Map<string, Sum>();
  const add = (lvl: string, areaId: string, v: ContextValue) => {
    const k = `${v.indicatorId}\u0000${v.schuljahr}\u0000${lvl}\u0000${areaId}`;
    const def = kind.get(v.indicatorId)!;
    let s = sums.get(k);
    if (!s) {
      s = {
        indicatorId: v.indicatorId,
        level: lvl,
        areaId,
        schuljahr: v.schuljahr,
        numerator: 0,
        denominator: def.kind === 'rate' ? 0 : null,
        n: 0,
      };
      sums.set(k, s);
    }
    s.n++;
    s.numerator += v.numerator;
    if (s.denominator !== null) s.denominator += v.denominator ?? 0;
  };
  for (const v of values) {
    add(level, v.areaId, v);
    for (const [lvl, id] of Object.entries(parents.get(`${level}\u0000${v.areaId}`) ?? {})) add(lvl, id, v);
  }
  return [...sums.values()]
    .filter((s) => s.level === level || s.n === children.get(`${s.level}\u0000${s.areaId}`))
    .flatMap((s) => {
      const m = contextMeasures(s.indicatorId);
      const cell = (measure: string, count: number): CountRow => ({
        level: s.level,
        areaId: s.areaId,
        schuljahr: s.schuljahr,
        measure,
        count,
      });
      if (s.denominator === null) return [cell(m.numerator, s.numerator)];
      return [cell(m.numerator, s.numerator), cell(m.denominator, s.denominator), cell(m.complement, s.denominator - s.numerator)];
    });
}
