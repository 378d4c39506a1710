import { describe, expect, it } from 'vitest';
import { auditSuppression, protectJointly } from '../../pipeline/protect/audit.ts';
import { suppressCells, type CellStatus } from '../../pipeline/protect/suppress.ts';

const k = 3;

/**
 * A 3 × 3 table with its margins, as cells 0–15:
 *
 *          c0  c1  c2 | row
 *   r0      1   6   4 |  11      cells 0 1 2 | 9
 *   r1      4   1   3 |   8      cells 3 4 5 | 10
 *   r2      8   3   8 |  19      cells 6 7 8 | 11
 *   col    13  10  15 |  38      cells 12 13 14 | 15
 *
 * The group rule hides 0 and 4 (below k) and 2, 5, 6, 7 for them: every line then
 * holds two hidden cells summing to at least k. Yet r0 gives x0 + x2 = 5, c2 gives
 * x2 + x5 = 7 and r1 gives x4 + x5 = 4, so x0 + x4 = 2: each is 0, 1 or 2.
 */
const values = [1, 6, 4, 4, 1, 3, 8, 3, 8, 11, 8, 19, 13, 10, 15, 38];
const equations = [
  [9, 0, 1, 2],
  [10, 3, 4, 5],
  [11, 6, 7, 8],
  [12, 0, 3, 6],
  [13, 1, 4, 7],
  [14, 2, 5, 8],
  [15, 9, 10, 11],
  [15, 12, 13, 14],
];
const pattern = (status: readonly CellStatus[]) => status.map((s) => (s === 'count_below_k' ? 'p' : s ? 's' : '-')).join('');
const groupwise = suppressCells(values, equations, k);

describe('auditSuppression', () => {
  it('finds the cells that the group rule protects line by line but the lines together narrow', () => {
    expect(pattern(groupwise)).toBe('p-s-psss--------');
    for (const eq of equations) {
      const hidden = eq.filter((i) => groupwise[i]);
      if (hidden.length > 0) expect(hidden.reduce((s, i) => s + values[i]!, 0)).toBeGreaterThanOrEqual(k);
    }
    return expect(auditSuppression({ values, status: groupwise, equations, minCount: k })).resolves.toEqual({
      narrowed: [
        { cell: 0, lower: 0, upper: 2 },
        { cell: 4, lower: 0, upper: 2 },
      ],
      audited: 2,
      solves: 4,
      largest: 6,
    });
  });

  it('audits only the cells it is given, and reports progress per system', async () => {
    const progress: [number, number][] = [];
    const result = await auditSuppression({
      values,
      status: groupwise,
      equations,
      minCount: k,
      cells: new Set([4]),
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(result.narrowed).toEqual([{ cell: 4, lower: 0, upper: 2 }]);
    expect(result.audited).toBe(1);
    expect(progress).toEqual([[1, 1]]);
  });

  // Each case: values, status, equations, unpublished cells → narrowed.
  it.each<[string, number[], CellStatus[], number[][], number[], { cell: number; lower: number; upper: number }[]]>([
    ['two hidden parts summing to exactly k span k', [10, 1, 2, 7], [null, 'count_below_k', 'secondary', null], [[0, 1, 2, 3]], [], []],
    [
      'one hidden part of a published sum is recovered',
      [10, 1, 9],
      [null, 'count_below_k', null],
      [[0, 1, 2]],
      [],
      [{ cell: 1, lower: 1, upper: 1 }],
    ],
    ['a residual the attacker never sees keeps it open', [10, 1, 9], [null, 'count_below_k', null], [[0, 1, 2]], [2], []],
    ['a hidden whole leaves its parts unbounded', [3, 1, 2], ['secondary', 'count_below_k', 'count_below_k'], [[0, 1, 2]], [], []],
    ['a cell in no relation is anything ≥ 0', [1], ['count_below_k'], [], [], []],
  ])('%s', async (_, vals, status, eqs, unpublished, narrowed) => {
    const result = await auditSuppression({
      values: vals,
      status,
      equations: eqs,
      unpublished: (i) => unpublished.includes(i),
      minCount: k,
    });
    expect(result.narrowed).toEqual(narrowed);
  });
});

describe('protectJointly', () => {
  it('hides the smallest published cell of a narrowed cell’s sums until the audit finds nothing', async () => {
    const rounds: number[] = [];
    const result = await protectJointly(groupwise, {
      values,
      groups: equations,
      equations,
      fixed: () => false,
      minCount: k,
      onProgress: (round) => rounds.push(round),
    });
    // Cell 0: the smallest published cell of r0 and c0 is x3 = 4; cell 4, with x3 now
    // hidden: x1 = 6 in c1. Round 2 audits 0 and 4 again and finds them open.
    expect(pattern(result.status)).toBe('pssspsss--------');
    expect(result).toMatchObject({ narrowedAtFirst: 2, added: 2, rounds: 2, solves: 6 });
    expect(rounds).toEqual([1, 2]);
    const again = await auditSuppression({ values, status: result.status, equations, minCount: k });
    expect(again.narrowed).toEqual([]);
  });

  it('leaves a pattern the audit accepts as it is', async () => {
    const status: CellStatus[] = [null, 'count_below_k', 'secondary', null];
    const result = await protectJointly(status, {
      values: [10, 1, 2, 7],
      groups: [[0, 1, 2, 3]],
      equations: [[0, 1, 2, 3]],
      fixed: () => false,
      minCount: k,
    });
    expect(result).toEqual({ status, narrowedAtFirst: 0, added: 0, rounds: 1, solves: 2, largest: 2 });
  });

  it('hides the smaller published cell for a recovered one, and gives up after maxRounds', async () => {
    const options = { values: [10, 1, 9], groups: [[0, 1, 2]], equations: [[0, 1, 2]], fixed: () => false, minCount: k };
    // 10 = 1 + 9 recovers the hidden 1; 9 < 10 is hidden with it.
    await expect(protectJointly([null, 'count_below_k', null], options)).resolves.toMatchObject({
      status: [null, 'count_below_k', 'secondary'],
      narrowedAtFirst: 1,
      added: 1,
      rounds: 2,
    });
    await expect(protectJointly([null, 'count_below_k', null], { ...options, maxRounds: 1 })).rejects.toThrow(
      'disclosure audit: 1 cells still narrowed below k after 1 rounds',
    );
  });
});
