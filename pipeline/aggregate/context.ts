import type { ContextValue } from '../read/indicators.ts';
import type { Cell } from '../protect/suppress.ts';
import type { AreaRef } from './aggregate.ts';
import type { IndicatorDefinition } from './registry.ts';

/**
 * Context indicators given on one level, summed up to every coarser level (pure).
 * Counts add up, and so do numerators and denominators of rates; a coarser area
 * gets a value for an indicator and Schuljahr only when every one of its
 * children on the given level has one, so partial sums are never published.
 */
export function aggregateContext(
  values: readonly ContextValue[],
  level: string,
  areas: readonly AreaRef[],
  parents: ReadonlyMap<string, Record<string, string>>,
  definitions: readonly IndicatorDefinition[],
): Cell[] {
  const kind = new Map(definitions.map((d) => [d.id, d]));
  const parentOf = new Map(areas.map((a) => [`${a.level}\u0000${a.areaId}`, a.parentId]));
  const children = new Map<string, number>(); // coarser area → number of areas of `level` in it
  for (const a of areas) {
    if (a.level !== level) continue;
    for (const [lvl, id] of Object.entries(parents.get(`${level}\u0000${a.areaId}`) ?? {})) {
      const k = `${lvl}\u0000${id}`;
      children.set(k, (children.get(k) ?? 0) + 1);
    }
  }
  const sums = new Map<string, { cell: Cell; n: number }>();
  const add = (lvl: string, areaId: string, v: ContextValue) => {
    const k = `${v.indicatorId}\u0000${v.schuljahr}\u0000${lvl}\u0000${areaId}`;
    const def = kind.get(v.indicatorId)!;
    let s = sums.get(k);
    if (!s) {
      s = {
        n: 0,
        cell: {
          indicatorId: v.indicatorId,
          kind: def.kind,
          level: lvl,
          areaId,
          parentId: parentOf.get(`${lvl}\u0000${areaId}`) ?? null,
          schuljahr: v.schuljahr,
          numerator: 0,
          denominator: def.kind === 'rate' ? 0 : null,
          scale: def.scale,
        },
      };
      sums.set(k, s);
    }
    s.n++;
    s.cell.numerator += v.numerator;
    if (s.cell.denominator !== null) s.cell.denominator += v.denominator ?? 0;
  };
  for (const v of values) {
    add(level, v.areaId, v);
    for (const [lvl, id] of Object.entries(parents.get(`${level}\u0000${v.areaId}`) ?? {})) add(lvl, id, v);
  }
  return [...sums.values()]
    .filter((s) => s.cell.level === level || s.n === children.get(`${s.cell.level}\u0000${s.cell.areaId}`))
    .map((s) => s.cell);
}
