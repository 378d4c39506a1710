import { describe, expect, it } from 'vitest';
import { protect, type Cell } from '../../pipeline/protect/suppress.ts';

const d = { minCount: 3, minDenominator: 10 };
const count = (areaId: string, n: number, parentId: string | null = 'P'): Cell => ({
  indicatorId: 'c',
  kind: 'count',
  level: 'Q',
  areaId,
  parentId,
  schuljahr: '2024/25',
  numerator: n,
  denominator: null,
  scale: 1,
});
const rate = (areaId: string, num: number, den: number, parentId: string | null = 'P'): Cell => ({
  indicatorId: 'r',
  kind: 'rate',
  level: 'Q',
  areaId,
  parentId,
  schuljahr: '2024/25',
  numerator: num,
  denominator: den,
  scale: 100,
});

describe('primary suppression', () => {
  it.each([
    [0, false, null],
    [1, true, 'count_below_k'],
    [2, true, 'count_below_k'],
    [3, false, null],
  ])('count %i → suppressed %s (%s)', (n, suppressed, reason) => {
    // Two large siblings that stay published keep the secondary rule out of this table.
    const [cell] = protect([count('a', n), count('b', 50), count('c', 60), count('d', 70)], d);
    expect(cell).toMatchObject({ suppressed, reason, numerator: suppressed ? null : n });
  });

  it.each([
    [5, 20, false, null, 25],
    [0, 20, false, null, 0],
    [2, 20, true, 'numerator_below_k', null],
    [18, 20, true, 'complement_below_k', null],
    [4, 8, true, 'denominator_below_m', null],
    [1, 2, true, 'denominator_below_k', null],
    [0, 0, false, null, null],
  ])('rate %i/%i → suppressed %s (%s), value %s', (num, den, suppressed, reason, value) => {
    const [cell] = protect([rate('a', num, den), rate('b', 400, 1000), rate('c', 500, 1000), rate('d', 600, 1000)], d);
    expect(cell).toMatchObject({ suppressed, reason, value });
  });

  it('never publishes a numerator, denominator or complement from 1 to k−1', () => {
    const cells: Cell[] = [];
    for (let den = 0; den < 25; den++)
      for (let num = 0; num <= den; num++) cells.push({ ...rate(`${num}/${den}`, num, den), parentId: `${num}/${den}` });
    for (const c of protect(cells, d)) {
      for (const v of [c.numerator, c.denominator, c.numerator !== null && c.denominator !== null ? c.denominator - c.numerator : null]) {
        if (v !== null) expect(v === 0 || v >= 3).toBe(true);
      }
    }
  });
});

describe('secondary suppression', () => {
  it('hides a second cell when one child of a parent is hidden', () => {
    const out = protect([count('a', 2), count('b', 40), count('c', 9), count('d', 30)], d);
    expect(out.map((c) => c.reason)).toEqual(['count_below_k', null, 'secondary', null]);
  });

  it('keeps hiding until the hidden cells sum to at least k', () => {
    const out = protect([count('a', 1), count('b', 1), count('c', 0), count('d', 5), count('e', 50)], d);
    // 1 + 1 < 3: the smallest published cell (0) does not help, 5 does.
    expect(out.map((c) => c.suppressed)).toEqual([true, true, true, true, false]);
  });

  it('works per parent: other parents are untouched', () => {
    const out = protect([count('a', 2, 'P1'), count('b', 10, 'P1'), count('c', 2, 'P2'), count('d', 20, 'P2'), count('e', 9, 'P3')], d);
    expect(out.map((c) => c.suppressed)).toEqual([true, true, true, true, false]);
  });

  it('protects denominators too, and a hidden denominator hides its numerator', () => {
    const out = protect([rate('a', 1, 2), rate('b', 10, 30), rate('c', 20, 40)], d);
    expect(out[0]).toMatchObject({ numerator: null, denominator: null, reason: 'denominator_below_k' });
    expect(out[1]).toMatchObject({ numerator: null, denominator: null, value: null, reason: 'secondary' });
    expect(out[2]).toMatchObject({ numerator: 20, denominator: 40, value: 50, suppressed: false });
  });
});
