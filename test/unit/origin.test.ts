import { describe, expect, it } from 'vitest';
import { OriginResolver } from '../../pipeline/geocode/origin.ts';

const resolver = new OriginResolver([
  { ags: '05913000', name: 'Dortmund' },
  { ags: '05117000', name: 'Mülheim an der Ruhr' },
  { ags: '05562014', name: 'Gladbeck' },
]);

describe('OriginResolver', () => {
  it.each([
    ['Dortmund', '05913000'],
    ['Stadt Dortmund', '05913000'],
    ['  DORTMUND ', '05913000'],
    ['05913000', '05913000'],
    ['5913000', '05913000'], // the IT.NRW directory drops the leading zero
    ['059130000000', '05913000'], // 12-digit ARS
    ['Muelheim an der Ruhr', '05117000'],
    ['Mülheim a.d. Ruhr', 'unbekannt'], // abbreviations are not guessed
    ['Gladbeck', '05562014'],
    ['Niedersachsen', 'land:03'],
    ['NDS', 'land:03'],
    ['03241001', 'land:03'], // an AGS in Hannover
    ['Baden-Wuerttemberg', 'land:08'],
    ['Niederlande', 'ausland'],
    ['NLD', 'ausland'],
    ['Ausland', 'ausland'],
    ['05999999', 'unbekannt'], // an NRW AGS that is not in the list
    ['Bielefeld', 'unbekannt'], // not in this (partial) list
    ['', 'unbekannt'],
  ])('%j → %s', (wohnort, id) => {
    expect(resolver.resolve(wohnort).id).toBe(id);
  });

  it('describes the origins it resolves', () => {
    expect(resolver.describe('05117000')).toEqual({ id: '05117000', kind: 'gemeinde', name: 'Mülheim an der Ruhr' });
    expect(resolver.describe('land:16')).toEqual({ id: 'land:16', kind: 'land', name: 'Thüringen' });
    expect(resolver.describe('ausland')).toEqual({ id: 'ausland', kind: 'ausland', name: 'Ausland' });
  });
});
