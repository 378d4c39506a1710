import { describe, expect, it } from 'vitest';
import { countValue, rateValue, suppressCells, type CellRef, type CellStatus } from '../../pipeline/protect/suppress.ts';
import { buildTable, cellKey, CITY_LEVEL } from '../../pipeline/protect/table.ts';

const d = { minCount: 3, minDenominator: 10 };
const k = 3;

describe('primary suppression', () => {
  it.each([
    [0, null],
    [1, 'count_below_k'],
    [2, 'count_below_k'],
    [3, null],
    [250, null],
  ])('count %i → %s', (n, status) => {
    expect(suppressCells([n], [], k)).toEqual([status]);
  });
});

describe('secondary suppression', () => {
  it('hides the smallest other cell of a group with a single hidden cell', () => {
    // whole 81 = 2 + 40 + 9 + 30
    expect(suppressCells([81, 2, 40, 9, 30], [[0, 1, 2, 3, 4]], k)).toEqual([null, 'count_below_k', null, 'secondary', null]);
  });

  it('keeps hiding until the hidden cells sum to at least k, and never hides a zero', () => {
    // 1 + 1 < 3: the 0 would not help, 5 does.
    expect(suppressCells([1, 1, 0, 5, 50], [[0, 1, 2, 3, 4]], k)).toEqual(['count_below_k', 'count_below_k', null, 'secondary', null]);
    // whole 1 = 1 + 0 + 0: both non-zero cells hidden, the zeros stay (hiding them would protect nothing)
    expect(suppressCells([1, 1, 0, 0], [[0, 1, 2, 3]], k)).toEqual(['count_below_k', 'count_below_k', null, null]);
  });

  it('follows a hidden cell into its other groups until nothing changes', () => {
    // A 2-D table: rows 0–1 and columns 2–3 of the four inner cells 4..7 (r0c0, r0c1, r1c0, r1c1).
    const values = [12, 30, 11, 31, 1, 11, 10, 20];
    const groups = [
      [0, 4, 5], // row 0 = 1 + 11
      [1, 6, 7], // row 1 = 10 + 20
      [2, 4, 6], // col 0 = 1 + 10
      [3, 5, 7], // col 1 = 11 + 20
    ];
    const status = suppressCells(values, groups, k);
    expect(status[4]).toBe('count_below_k');
    // Every group with a hidden cell has at least two, summing to at least k.
    for (const g of groups) {
      const hidden = g.filter((i) => status[i]);
      if (hidden.length > 0) {
        expect(hidden.length).toBeGreaterThanOrEqual(2);
        expect(hidden.reduce((s, i) => s + values[i]!, 0)).toBeGreaterThanOrEqual(k);
      }
    }
    expect(status).toEqual([null, null, null, null, 'count_below_k', 'secondary', 'secondary', 'secondary']);
  });

  it('leaves groups without hidden cells alone', () => {
    expect(
      suppressCells(
        [10, 4, 6, 3, 3],
        [
          [0, 1, 2],
          [2, 3, 4],
        ],
        k,
      ),
    ).toEqual([null, null, null, null, null]);
  });
});

describe('values from cells', () => {
  const cell = (value: number, status: CellStatus = null): CellRef => ({ value, status });
  it.each([
    [cell(5), cell(20), cell(15), { value: 25, suppressed: false, reason: null, numerator: 5, denominator: 20 }],
    [cell(0), cell(20), cell(20), { value: 0, suppressed: false, reason: null }],
    [
      cell(2, 'count_below_k'),
      cell(20),
      cell(18, 'secondary'),
      { value: null, reason: 'numerator_below_k', numerator: null, denominator: 20 },
    ],
    [cell(18, 'secondary'), cell(20), cell(2, 'count_below_k'), { value: null, reason: 'complement_below_k', numerator: null }],
    [cell(18, 'secondary'), cell(200, 'secondary'), cell(182), { value: null, reason: 'secondary', numerator: null, denominator: null }],
    [cell(1, 'count_below_k'), cell(2, 'count_below_k'), cell(1, 'count_below_k'), { reason: 'denominator_below_k', denominator: null }],
    [cell(4), cell(8), cell(4), { value: null, reason: 'denominator_below_m', numerator: null, denominator: 8 }],
    [cell(0), cell(0), cell(0), { value: null, suppressed: false, reason: null, numerator: 0, denominator: 0 }],
  ])('rate %j / %j', (num, den, compl, expected) => {
    expect(rateValue(num, den, compl, d, 100)).toMatchObject(expected);
  });

  it('refuses a published numerator and denominator with a hidden complement', () => {
    expect(() => rateValue(cell(18), cell(20), cell(2, 'count_below_k'), d, 100)).toThrow(/complement hidden/);
  });

  it.each([
    [cell(7), { value: 7, numerator: 7, suppressed: false }],
    [cell(2, 'count_below_k'), { value: null, suppressed: true, reason: 'count_below_k' }],
    [cell(9, 'secondary'), { value: null, suppressed: true, reason: 'secondary' }],
  ])('count %j', (c, expected) => {
    expect(countValue(c)).toMatchObject(expected);
  });
});

describe('buildTable', () => {
  const areas = [
    { level: 'Bezirk', areaId: 'B1', parentId: null },
    { level: 'Bezirk', areaId: 'B2', parentId: null },
    { level: 'Quartier', areaId: 'q1', parentId: 'B1' },
    { level: 'Quartier', areaId: 'q2', parentId: 'B1' },
    { level: 'Quartier', areaId: 'q3', parentId: 'B2' },
  ];
  const row = (level: string, areaId: string, measure: string, count: number) => ({ level, areaId, schuljahr: '2024/25', measure, count });
  const t = buildTable(
    [
      row('Bezirk', 'B1', 'pupils', 30),
      row('Bezirk', 'B1', 'x:a', 30),
      row('Bezirk', 'B2', 'pupils', 8),
      row('Bezirk', 'B2', 'x:b', 8),
      row('Quartier', 'q1', 'pupils', 28),
      row('Quartier', 'q1', 'x:a', 28),
      row('Quartier', 'q2', 'pupils', 2),
      row('Quartier', 'q2', 'x:a', 2),
      row('Quartier', 'q3', 'pupils', 8),
      row('Quartier', 'q3', 'x:b', 8),
      row('Quartier', 'q3', 'ctx', 5),
    ],
    {
      areas,
      schuljahre: ['2024/25'],
      fill: ['pupils', 'x:a', 'x:b'],
      partitions: [{ whole: 'pupils', parts: { prefix: 'x:' } }],
    },
  );
  const at = (level: string, area: string, measure: string) => t.index.get(cellKey(level, area, '2024/25', measure));
  const named = (g: number[]) => g.map((i) => `${t.cells[i]!.level}/${t.cells[i]!.areaId}/${t.cells[i]!.measure}`).sort();

  it('fills zeros and adds the city as the sum of the coarsest level', () => {
    expect(t.cells[at('Quartier', 'q3', 'x:a')!]!.count).toBe(0);
    expect(t.cells[at(CITY_LEVEL, '', 'pupils')!]!.count).toBe(38);
    expect(t.cells[at(CITY_LEVEL, '', 'x:b')!]!.count).toBe(8);
    // ctx exists in one Bezirk only (and in no Bezirk at all): no city cell
    expect(at(CITY_LEVEL, '', 'ctx')).toBeUndefined();
  });

  it('links categories to their total and children to their parent', () => {
    const groups = t.groups.map(named);
    expect(groups).toContainEqual(['Quartier/q1/pupils', 'Quartier/q1/x:a', 'Quartier/q1/x:b']);
    expect(groups).toContainEqual(['Bezirk/B1/x:a', 'Quartier/q1/x:a', 'Quartier/q2/x:a']);
    expect(groups).toContainEqual(['@stadt//pupils', 'Bezirk/B1/pupils', 'Bezirk/B2/pupils']);
    expect(groups).toContainEqual(['@stadt//pupils', '@stadt//x:a', '@stadt//x:b']);
  });

  it('together with suppressCells hides a small child and a sibling, in every dimension', () => {
    const status = suppressCells(
      t.cells.map((c) => c.count),
      t.groups,
      k,
    );
    const hidden = t.cells.filter((_, i) => status[i]).map((c) => `${c.level}/${c.areaId}/${c.measure}`);
    expect(hidden.sort()).toEqual(['Quartier/q1/pupils', 'Quartier/q1/x:a', 'Quartier/q2/pupils', 'Quartier/q2/x:a']);
  });
});

describe('residuals', () => {
  it('protects what the children of an area do not cover, without hiding it to protect others', () => {
    // Bezirk B has 40 pupils, its Quartiere 20 + 19: one pupil is assigned to B only (a street-level record).
    const row = (level: string, areaId: string, count: number) => ({ level, areaId, schuljahr: '2024/25', measure: 'pupils', count });
    const t = buildTable([row('Bezirk', 'B', 40), row('Quartier', 'q1', 20), row('Quartier', 'q2', 19)], {
      areas: [
        { level: 'Bezirk', areaId: 'B', parentId: null },
        { level: 'Quartier', areaId: 'q1', parentId: 'B' },
        { level: 'Quartier', areaId: 'q2', parentId: 'B' },
      ],
      schuljahre: ['2024/25'],
      fill: [],
      partitions: [],
    });
    const residual = t.cells.findIndex((c) => c.residual);
    expect(t.cells[residual]).toMatchObject({ count: 1, residual: true });
    const status = suppressCells(
      t.cells.map((c) => c.count),
      t.groups,
      k,
      { fixed: (i) => t.cells[i]!.residual === true },
    );
    // 40 − 20 − 19 would reveal the single pupil: the smaller Quartier is hidden with it.
    expect(t.cells.map((c, i) => `${c.level}/${c.areaId}:${status[i] ?? '-'}`)).toEqual([
      'Bezirk/B:-',
      'Quartier/q1:-',
      'Quartier/q2:secondary',
      '@stadt/:-',
      `@rest/${t.cells[residual]!.areaId}:count_below_k`,
    ]);
  });

  it('refuses parts that exceed their whole', () => {
    const row = (level: string, areaId: string, count: number) => ({ level, areaId, schuljahr: '2024/25', measure: 'pupils', count });
    expect(() =>
      buildTable([row('Bezirk', 'B', 10), row('Quartier', 'q1', 11)], {
        areas: [
          { level: 'Bezirk', areaId: 'B', parentId: null },
          { level: 'Quartier', areaId: 'q1', parentId: 'B' },
        ],
        schuljahre: ['2024/25'],
        fill: [],
        partitions: [],
      }),
    ).toThrow('parts exceed their whole Bezirk B 2024/25 pupils by 1');
  });
});

describe('determinism', () => {
  it('hides the same cells whatever order the database returned the rows in', () => {
    // Ties (three siblings of 5) are broken by cell index: the index must not depend on input order.
    const row = (areaId: string, count: number) => ({ level: 'Quartier', areaId, schuljahr: '2024/25', measure: 'pupils', count });
    const rows = [row('q1', 2), row('q2', 5), row('q3', 5), row('q4', 5)];
    const areas = ['q1', 'q2', 'q3', 'q4'].map((areaId) => ({ level: 'Quartier', areaId, parentId: null }));
    const hidden = (input: typeof rows) => {
      const t = buildTable(input, { areas, schuljahre: ['2024/25'], fill: [], partitions: [] });
      const status = suppressCells(
        t.cells.map((c) => c.count),
        t.groups,
        k,
      );
      return t.cells.filter((_, i) => status[i]).map((c) => c.areaId);
    };
    expect(hidden(rows)).toEqual(['q1', 'q2']);
    expect(hidden([...rows].reverse())).toEqual(['q1', 'q2']);
  });
});
