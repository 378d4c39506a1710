import { describe, expect, it } from 'vitest';
import { likePrefix, parseAddressQuery } from '../../server/geocode/query.ts';

describe('parseAddressQuery', () => {
  it.each([
    ['Lindenstr 12a', { key: 'lindenstr', houseNumber: '12a', postcode: null, town: null }],
    ['Lindenstr. 12 A', { key: 'lindenstr', houseNumber: '12a', postcode: null, town: null }],
    ['lindenstra', { key: 'lindenstr', fold: 'lindenstra', houseNumber: null }],
    ['Lindenstrasse', { key: 'lindenstr', houseNumber: null }],
    ['Am Wald 3, 45127 Essen', { key: 'amwald', houseNumber: '3', postcode: '45127', town: 'essen' }],
    ['Hauptstraße 5 Musterstadt', { key: 'hauptstr', houseNumber: '5', town: 'musterstadt' }],
    ['A.-Schweitzer-Str. 7-9', { key: 'aschweitzerstr', houseNumber: '7' }],
    ['Straße des 17. Juni 5', { key: 'strdes17juni', houseNumber: '5' }],
    ['Grüner Weg', { key: 'gruenerweg', fold: 'gruener weg', houseNumber: null }],
  ])('%s', (q, expected) => {
    expect(parseAddressQuery(q)).toMatchObject(expected);
  });

  it.each(['B', '%%%', '  '])('%s is too little to search for', (q) => {
    expect(parseAddressQuery(q)).toBeNull();
  });

  it('escapes LIKE wildcards', () => {
    expect(likePrefix('50%_a\\b')).toBe('50\\%\\_a\\\\b%');
  });
});
