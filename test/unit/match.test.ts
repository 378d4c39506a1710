import { describe, expect, it } from 'vitest';
import { buildGazetteer, derivedSpellings } from '../../pipeline/geocode/gazetteer.ts';
import { matchAddress } from '../../pipeline/geocode/match.ts';

const at = (x: number) => ({ x, y: 0 });
const g = buildGazetteer(
  [
    { street: 'Lindenstr.', number: '12', suffix: '', x: 1, y: 0 },
    { street: 'Lindenstr.', number: '12', suffix: 'a', x: 2, y: 0 },
    { street: 'Albert-Schweitzer-Str.', number: '3', suffix: '', x: 3, y: 0 },
    { street: 'Am Stadtpark', number: '5', suffix: '', x: 4, y: 0 },
    { street: 'Kellerstr.', number: '61', suffix: '', x: 5, y: 0 },
    { street: 'Keplerstr.', number: '61', suffix: '', x: 6, y: 0 },
    { street: 'Keplerstr.', number: '7', suffix: '', x: 7, y: 0 },
    { street: 'Müllerweg', number: '9', suffix: '', x: 8, y: 0 },
  ],
  new Map([['adolfhitlerstr', 'lindenstr']]),
);
const towns = ['Essen'];

describe('matchAddress', () => {
  it.each([
    ['Lindenstr.', '12', '', { status: 'matched', quality: 'exact', point: at(1) }],
    ['Lindenstraße', '12', '', { status: 'matched', quality: 'normalised', point: at(1) }],
    ['LINDENSTRASSE', '12 A', '', { status: 'matched', quality: 'normalised', point: at(2) }],
    ['Lindenstr. 12a', '', '', { status: 'matched', quality: 'normalised', point: at(2) }],
    ['Lindenstr. 12, 45127 Essen', '', '', { status: 'matched', quality: 'normalised', point: at(1) }],
    ['Linden', '12', '', { status: 'matched', quality: 'normalised', point: at(1) }],
    ['A.-Schweitzer-Str.', '3', '', { status: 'matched', quality: 'normalised', point: at(3) }],
    ['Albert Schweitzer', '3', '', { status: 'matched', quality: 'normalised', point: at(3) }],
    ['Amstadtpark', '5', '', { status: 'matched', quality: 'normalised', point: at(4) }],
    ['Mueller-Weg', '9', '', { status: 'matched', quality: 'normalised', point: at(8) }],
    ['Adolf-Hitler-Str.', '12', '', { status: 'matched', quality: 'alias', point: at(1) }],
    ['Lindnstr.', '12', '', { status: 'matched', quality: 'fuzzy', point: at(1) }],
    ['Keleerstr.', '61', '', { status: 'matched', quality: 'fuzzy', point: at(5) }], // one edit from Kellerstr., two from Keplerstr.
    ['Keplrstr.', '7', '', { status: 'matched', quality: 'fuzzy', point: at(7) }],
    ['Lindenstr.', '12', 'c', { status: 'matched', quality: 'without_suffix', point: at(1) }],
    ['Lindenstr.', '99', '', { status: 'street', quality: 'street' }],
    ['Lindenstr.', '', '', { status: 'street', quality: 'street' }],
  ])('%j %j %j', (street, number, suffix, expected) => {
    expect(matchAddress(g, street, number, suffix, { towns })).toMatchObject(expected);
  });

  it('does not guess between streets that both have the house: it returns every reading', () => {
    // "Kelerstr." is one edit from both Kellerstr. and Keplerstr., and both have a 61.
    expect(matchAddress(g, 'Kelerstr.', '61', '', { towns })).toEqual({
      status: 'candidates',
      quality: 'ambiguous',
      points: [at(5), at(6)],
    });
  });

  it.each([
    ['Phantasiestr.', '12', 'unknown_street'],
    ['', '12', 'no_street'],
    ['Lindnstr.', '99', 'ambiguous_street'], // a typing error needs the house number to confirm it
    ['Lindnstr.', '', 'ambiguous_street'],
  ])('%j %j stays unmatched (%s)', (street, number, reason) => {
    expect(matchAddress(g, street, number, '', { towns })).toEqual({ status: 'unmatched', reason });
  });
});

describe('derivedSpellings', () => {
  it.each([
    ['Lindenstr.', ['linden']],
    ['Albert-Schweitzer-Str.', ['albertschweitzer', 'aschweitzerstr', 'aschweitzer']],
    ['Am Stadtpark', []],
    ['Bischof-Franz-Wolf-Str.', ['bischoffranzwolf', 'bfranzwolfstr', 'bfranzwolf', 'bfwolfstr', 'bfwolf']],
  ])('%s → %j', (name, spellings) => {
    expect(derivedSpellings(name)).toEqual(spellings);
  });
});
