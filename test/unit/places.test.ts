import { describe, expect, it } from 'vitest';
import { Places, type HouseRow } from '../../pipeline/assign/places.ts';

const LEVELS = ['Bezirk', 'Quartier'];

/** A house at (x, 0) lying in the given areas per level (several: on a shared border). */
const house = (x: number, perLevel: string[][]): HouseRow => ({
  x,
  y: 0,
  area: perLevel.map((a) => (a.length ? [...a].sort()[0]! : null)),
  hits: perLevel.map((a) => a.length),
  gx: x,
  gy: 0,
  nearest: [],
});

const places = new Places(
  LEVELS,
  [
    house(1, [['1'], ['11']]),
    house(2, [['1'], ['12']]),
    house(3, [
      ['1', '2'],
      ['12', '21'],
    ]), // on the border of both Bezirke
    house(4, [['2'], ['21']]),
    house(5, [[], []]), // outside the city
  ],
  [
    // Lindenstr.: houses 1 and 2; Hofstr.: house 4 only; Grenzweg: houses 2 and 3
    { streetKey: 'lindenstr', level: 0, areaId: '1' },
    { streetKey: 'lindenstr', level: 1, areaId: '11' },
    { streetKey: 'lindenstr', level: 1, areaId: '12' },
    { streetKey: 'hofstr', level: 0, areaId: '2' },
    { streetKey: 'hofstr', level: 1, areaId: '21' },
    { streetKey: 'grenzweg', level: 0, areaId: '1' },
    { streetKey: 'grenzweg', level: 0, areaId: '2' },
    { streetKey: 'grenzweg', level: 1, areaId: '12' },
    { streetKey: 'grenzweg', level: 1, areaId: '21' },
  ],
);
const pt = (x: number) => ({ x, y: 0 });

describe('places: a record’s areas from its house, street or candidates', () => {
  it.each([
    [1, ['1', '11']],
    [3, ['1', '12']], // a border house belongs to the smaller id on each level
    [5, [null, null]],
  ])('house %i lies in %j', (x, areas) => {
    expect(places.house(pt(x))!.place.areas).toEqual(areas);
  });

  it('knows no house at a point outside the gazetteer', () => {
    expect(places.house({ x: 1, y: 1 })).toBeUndefined();
    expect(places.house(pt(9))).toBeUndefined();
  });

  it.each([
    ['lindenstr', ['1', null]], // one Bezirk, two Quartiere
    ['hofstr', ['2', '21']],
    ['grenzweg', [null, null]],
    ['nirgendweg', [null, null]], // no address in any area
  ])('street %s is placed on %j', (key, areas) => {
    expect(places.street(key).areas).toEqual(areas);
  });

  it.each([
    [
      [1, 2],
      ['1', null],
    ],
    [
      [1, 1],
      ['1', '11'],
    ],
    [
      [2, 3],
      [null, null],
    ], // house 3 lies in two areas on each level: not for sure in one
    [
      [2, 4],
      [null, null],
    ],
    [
      [1, 5],
      [null, null],
    ],
    [[], [null, null]],
  ])('candidates %j are placed on %j', (xs, areas) => {
    expect(places.candidates(xs.map(pt))!.areas).toEqual(areas);
  });

  it('has no place for candidates when one is not in the gazetteer', () => {
    expect(places.candidates([pt(1), pt(9)])).toBeUndefined();
  });

  it('interns places: equal tuples are one object with one id', () => {
    const a = places.place(['1', '11']);
    expect(places.house(pt(1))!.place).toBe(a);
    expect(places.candidates([pt(1), pt(1)])).toBe(a);
    expect(places.all[a.id]).toBe(a);
    expect(places.place([null, '11'])).not.toBe(places.place(['11', null]));
    expect(new Set(places.all.map((p) => p.id)).size).toBe(places.all.length);
  });
});
