import { describe, expect, it } from 'vitest';
import { parseAddress, parseHouseNumber, streetKey } from '../../pipeline/normalise/address.ts';

describe('streetKey', () => {
  it.each([
    ['Albert-Schweitzer-Straße', 'albertschweitzerstr'],
    ['Albert Schweitzer Str.', 'albertschweitzerstr'],
    ['albert-schweitzer-strasse', 'albertschweitzerstr'],
    ['ALBERT-SCHWEITZER-STR', 'albertschweitzerstr'],
    ['Lindenstraße', 'lindenstr'],
    ['Lindenstr.', 'lindenstr'],
    ['  Lindenstrasse ', 'lindenstr'],
    ['Müllerweg', 'muellerweg'],
    ['Muellerweg', 'muellerweg'],
    ['Dr.-Ruer-Platz', 'drruerplatz'],
    ['Doktor-Ruer-Platz', 'drruerplatz'],
    ['Straße des 17. Juni', 'strdes17juni'],
    ['Am Stadtpark', 'amstadtpark'],
    ['Rue de Café', 'ruedecafe'],
  ])('%s → %s', (input, key) => {
    expect(streetKey(input)).toBe(key);
  });

  it('keeps streets apart that differ by more than spelling', () => {
    expect(streetKey('Lindenweg')).not.toBe(streetKey('Lindenstraße'));
    expect(streetKey('Strassburger Weg')).toBe('strassburgerweg');
  });
});

describe('parseHouseNumber', () => {
  it.each([
    ['12', '', { number: 12, suffix: '' }],
    ['12a', '', { number: 12, suffix: 'a' }],
    ['12 A', '', { number: 12, suffix: 'a' }],
    ['12-a', '', { number: 12, suffix: 'a' }],
    ['12', 'b', { number: 12, suffix: 'b' }],
    ['12', ' B', { number: 12, suffix: 'b' }],
    ['12/1', '', { number: 12, suffix: '/1' }],
    ['12-14', '', { number: 12, suffix: '', to: 14 }],
    [' 7 ', '', { number: 7, suffix: '' }],
  ])('%j (suffix field %j)', (raw, suffix, expected) => {
    expect(parseHouseNumber(raw, suffix)).toEqual(expected);
  });

  it.each(['', 'x', 'zwölf', '12ab', '-3'])('%j is no house number', (raw) => {
    expect(parseHouseNumber(raw)).toBeNull();
  });
});

describe('parseAddress', () => {
  it.each([
    ['Lindenstr. 12a', '', { street: 'Lindenstr.', houseNumber: { number: 12, suffix: 'a' } }],
    ['Lindenstraße 12 A', '', { street: 'Lindenstraße', houseNumber: { number: 12, suffix: 'a' } }],
    ['Am Stadtpark 3-5', '', { street: 'Am Stadtpark', houseNumber: { number: 3, suffix: '', to: 5 } }],
    ['Straße des 17. Juni 4', '', { street: 'Straße des 17. Juni', houseNumber: { number: 4, suffix: '' } }],
    ['Lindenstr.', '', { street: 'Lindenstr.', houseNumber: null }],
    ['Lindenstr.', '8', { street: 'Lindenstr.', houseNumber: { number: 8, suffix: '' } }],
  ])('%j + %j', (street, number, expected) => {
    expect(parseAddress(street, number)).toEqual(expected);
  });
});
