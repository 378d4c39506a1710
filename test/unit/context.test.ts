import { describe, expect, it } from 'vitest';
import { aggregateContext } from '../../pipeline/aggregate/context.ts';
import type { IndicatorDefinition } from '../../pipeline/aggregate/registry.ts';

const def = (id: string, kind: 'count' | 'rate') => ({ id, kind, scale: kind === 'rate' ? 100 : 1 }) as unknown as IndicatorDefinition;
const areas = [
  { level: 'Bezirk', areaId: 'B1', parentId: null },
  { level: 'Bezirk', areaId: 'B2', parentId: null },
  { level: 'Quartier', areaId: 'q1', parentId: 'B1' },
  { level: 'Quartier', areaId: 'q2', parentId: 'B1' },
  { level: 'Quartier', areaId: 'q3', parentId: 'B2' },
  { level: 'Quartier', areaId: 'q4', parentId: 'B2' },
];
const parents = new Map(areas.filter((a) => a.level === 'Quartier').map((a) => [`Quartier\u0000${a.areaId}`, { Bezirk: a.parentId! }]));

describe('aggregateContext', () => {
  it('sums numerators and denominators up to coarser levels, only where every child has a value', () => {
    const v = (areaId: string, numerator: number, denominator: number | null, indicatorId = 'r') => ({
      areaId,
      schuljahr: '2024/25',
      indicatorId,
      numerator,
      denominator,
    });
    const cells = aggregateContext(
      [
        v('q1', 5, 50),
        v('q2', 7, 70),
        v('q3', 1, 10),
        v('q1', 100, null, 'c'),
        v('q2', 200, null, 'c'),
        v('q3', 50, null, 'c'),
        v('q4', 60, null, 'c'),
      ],
      'Quartier',
      areas,
      parents,
      [def('r', 'rate'), def('c', 'count')],
    );
    const get = (measure: string, area: string) => cells.filter((c) => c.measure === measure && c.areaId === area).map((c) => c.count);
    expect(get('ctx:r', 'B1')).toEqual([12]);
    expect(get('ctx:r:den', 'B1')).toEqual([120]);
    expect(get('ctx:r:compl', 'B1')).toEqual([108]);
    expect(get('ctx:r', 'B2')).toEqual([]); // q4 has no value: no partial sum
    expect(get('ctx:c', 'B2')).toEqual([110]);
    expect(get('ctx:c:den', 'B2')).toEqual([]); // a count has no denominator
    expect(get('ctx:r:den', 'q3')).toEqual([10]);
    // rates: 3 cells × (q1, q2, q3, B1); counts: 1 cell × (q1…q4, B1, B2)
    expect(cells).toHaveLength(3 * 4 + 6);
    expect(new Set(cells.map((c) => c.schuljahr))).toEqual(new Set(['2024/25']));
  });
});
