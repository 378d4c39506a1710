import { describe, expect, it } from 'vitest';
import { classOf, equalIntervalBreaks, naturalBreaks, quantileBreaks } from '../../server/indicators/classify.ts';

describe('classification', () => {
  const values = [1, 2, 3, 10, 11, 12, 30, 31, 32];

  it('natural breaks find the three obvious groups', () => {
    expect(naturalBreaks(values, 3)).toEqual([1, 10, 30, 32]);
  });

  // Many equal values (areas with a rate of 0) once made the back-tracking run past
  // the first value: the API answered 500 for such an indicator (found by the privacy audit).
  it.each([
    [[0, 0, 0, 0, 0, 0, 5], 3, [0, 0, 5, 5]],
    [[0, 0, 0, 0, 0, 0, 0, 0, 1, 5], 4, [0, 0, 1, 5, 5]],
    [[0, 0, 0, 0, 0], 3, [0, 0, 0, 0]],
  ])('natural breaks of tied values %j in %i classes are %j', (sorted, k, breaks) => {
    expect(naturalBreaks(sorted, k)).toEqual(breaks);
  });

  it('quantile breaks split into equal counts', () => {
    expect(quantileBreaks([1, 2, 3, 4, 5, 6, 7, 8, 9], 3)).toEqual([1, 3.666667, 6.333333, 9]);
  });

  it('equal intervals span min to max', () => {
    expect(equalIntervalBreaks([0, 5, 100], 4)).toEqual([0, 25, 50, 75, 100]);
  });

  it.each([
    [1, 0],
    [9.99, 0],
    [10, 1],
    [30, 2],
    [32, 2],
  ])('value %d falls in class %i of [1, 10, 30, 32]', (v, cls) => {
    expect(classOf(v, [1, 10, 30, 32])).toBe(cls);
  });

  it('returns no breaks without values', () => {
    expect(naturalBreaks([], 5)).toEqual([]);
    expect(quantileBreaks([], 5)).toEqual([]);
  });
});
