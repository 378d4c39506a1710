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
    const get = (ind: string, area: string) => cells.find((c) => c.indicatorId === ind && c.areaId === area);
    expect(get('r', 'B1')).toMatchObject({ level: 'Bezirk', numerator: 12, denominator: 120, parentId: null });
    expect(get('r', 'B2')).toBeUndefined(); // q4 has no value: no partial sum
    expect(get('c', 'B2')).toMatchObject({ numerator: 110, denominator: null });
    expect(get('r', 'q3')).toMatchObject({ level: 'Quartier', parentId: 'B2', numerator: 1, denominator: 10 });
    expect(cells).toHaveLength(4 + 3 + 1 + 2);
  });
});
