import { describe, expect, it } from 'vitest';
import { allowedEdits, editDistance, nearStreets } from '../../pipeline/geocode/fuzzy.ts';

describe('editDistance', () => {
  it.each([
    ['lindenstr', 'lindenstr', 0],
    ['lindenstr', 'lindnstr', 1], // missing letter
    ['lindenstr', 'lindennstr', 1], // extra letter
    ['lindenstr', 'lindanstr', 1], // wrong letter
    ['lindenstr', 'lindnestr', 1], // swapped letters
    ['lindenstr', 'lndnestr', 2],
    ['lindenstr', 'eichenstr', 3],
  ])('%s ~ %s = %i', (a, b, d) => {
    expect(editDistance(a, b, 2)).toBe(Math.min(d, 3));
  });
});

describe('nearStreets', () => {
  const keys = ['lindenstr', 'lindenweg', 'lindnerstr', 'eichenstr', 'amstadtpark'];
  it('finds keys within the allowed edits, nearest first', () => {
    expect(nearStreets('lindnstr', keys)).toEqual([
      { key: 'lindenstr', distance: 1 },
      { key: 'lindnerstr', distance: 2 },
    ]);
    expect(nearStreets('lindnstr', keys, 1)).toEqual([{ key: 'lindenstr', distance: 1 }]);
    expect(nearStreets('lindenstrr', keys, 3)).toEqual([
      { key: 'lindenstr', distance: 1 },
      { key: 'lindnerstr', distance: 3 },
    ]);
  });
  it('allows no edit on keys shorter than 5 letters', () => {
    expect(nearStreets('weg', ['wag', 'weg'])).toEqual([]);
  });
});
