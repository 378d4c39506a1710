import { describe, expect, it } from 'vitest';
import type { ValuesResponse } from '../../web/src/api.ts';
import { choosePalette, coloursFor, differenceBreaks, displayUnit, legendRows, PALETTES, valueBreaks } from '../../web/src/classes.ts';
import { t, dirOf } from '../../web/src/i18n.ts';
import { placeLabels } from '../../web/src/labels.ts';
import { classify, rowsFor } from '../../web/src/shown.ts';
import { sortRows } from '../../web/src/table.ts';
import { parseBreaks, readView, writeView, type View } from '../../web/src/view.ts';

const choices = {
  levels: ['Stadtbezirk', 'Stadtteil', 'Quartier'],
  indicators: ['schueler_insgesamt', 'anteil_familiensprache_nicht_deutsch'],
  schuljahre: ['2022/23', '2023/24', '2024/25'],
  defaultIndicator: 'schueler_insgesamt',
};

describe('view in the URL', () => {
  it('defaults to the finest level, the default indicator and the latest Schuljahr', () => {
    expect(readView('', choices)).toEqual({
      panel: 'explorer',
      level: 'Quartier',
      indicator: 'schueler_insgesamt',
      schuljahr: '2024/25',
      compare: 'none',
      ref: '2022/23',
      method: 'quantile',
      classes: 5,
      palette: '',
      breaks: [],
      area: '',
      school: '',
      at: null,
      embed: false,
      lang: 'de',
    });
  });

  it('survives a round trip through the query string', () => {
    const view: View = {
      panel: 'schools',
      level: 'Stadtteil',
      indicator: 'anteil_familiensprache_nicht_deutsch',
      schuljahr: '2023/24',
      compare: 'year',
      ref: '2022/23',
      method: 'custom',
      classes: 4,
      palette: 'lila',
      breaks: [10, 22.5, 40],
      area: '11',
      school: '112621',
      at: [7.01234, 51.45678, 12.5],
      embed: true,
      lang: 'ar',
    };
    const search = writeView(view);
    expect(search).toBe(
      '?panel=schools&level=Stadtteil&indicator=anteil_familiensprache_nicht_deutsch&schuljahr=2023%2F24&compare=year&ref=2022%2F23&method=custom&classes=4&palette=lila&breaks=10%3B22.5%3B40&area=11&school=112621&at=7.01234%2C51.45678%2C12.50&embed=1&lang=ar',
    );
    expect(readView(search, choices)).toEqual(view);
  });

  it.each([
    ['level=Galaxis', 'level', 'Quartier'],
    ['indicator=drop%20table', 'indicator', 'schueler_insgesamt'],
    ['schuljahr=1999/00', 'schuljahr', '2024/25'],
    ['classes=9', 'classes', 5],
    ['classes=2.5', 'classes', 5],
    ['method=magic', 'method', 'quantile'],
    ['compare=yesterday', 'compare', 'none'],
    ['at=7,95,10', 'at', null],
    ['at=7,51', 'at', null],
    ['lang=xx', 'lang', 'de'],
    ['palette=<script>', 'palette', 'script'],
    ['school=12;DROP', 'school', '12DROP'],
    ['panel=admin', 'panel', 'explorer'],
  ])('an invalid parameter (%s) falls back instead of failing', (query, key, expected) => {
    expect(readView(`?${query}`, choices)[key as keyof View]).toEqual(expected);
  });

  it.each([
    ['10; 20; 30', [10, 20, 30]],
    ['12,5 7,5', [7.5, 12.5]],
    ['30;10;10', [10, 30]],
    ['10; zehn', []],
    ['1;2;3;4;5;6;7', []],
    ['', []],
  ])('custom breaks "%s" → %j', (text, expected) => {
    expect(parseBreaks(text)).toEqual(expected);
  });
});

describe('classes and palettes', () => {
  it('sequential palettes follow the polarity: warm for need, green for good, blue for neutral', () => {
    expect(choosePalette('', 'higher_is_worse', 'none').id).toBe('orange');
    expect(choosePalette('', 'higher_is_better', 'none').id).toBe('gruen');
    expect(choosePalette('', 'neutral', 'none').id).toBe('blau');
    expect(choosePalette('lila', 'higher_is_worse', 'none').id).toBe('lila');
    // A diverging palette for a value map (or the reverse) is not taken.
    expect(choosePalette('puor', 'neutral', 'none').id).toBe('blau');
    expect(choosePalette('blau', 'neutral', 'year').id).toBe('puor');
  });

  it('diverging colours put "worse" at the orange end whatever the polarity, neutral in the middle', () => {
    const puor = PALETTES.find((p) => p.id === 'puor')!;
    expect(coloursFor(puor, 5, 'higher_is_better')).toEqual(['#b35806', '#fdb863', '#f7f7f7', '#b2abd2', '#542788']);
    expect(coloursFor(puor, 5, 'higher_is_worse')).toEqual(['#542788', '#b2abd2', '#f7f7f7', '#fdb863', '#b35806']);
    expect(coloursFor(puor, 3, 'neutral')[1]).toBe('#f7f7f7');
  });

  it('sequential colours spread over the whole scheme', () => {
    expect(coloursFor(PALETTES[0]!, 3, 'neutral')).toEqual(['#eff3ff', '#6baed6', '#084594']);
    expect(new Set(coloursFor(PALETTES[0]!, 7, 'neutral')).size).toBe(7);
  });

  it('differences get symmetric equal intervals around 0', () => {
    expect(differenceBreaks(4, [-3, 1, 6], 'quantile', [])).toEqual([-6, -3, 0, 3, 6]);
    expect(differenceBreaks(3, [0, 0], 'equal', [])).toEqual([-1, -1 / 3, 1 / 3, 1].map((v) => Math.round(v * 1e6) / 1e6));
    expect(differenceBreaks(3, [-5, 5], 'custom', [-1, 1])).toEqual([-5, -1, 1, 5]);
  });

  it('custom breaks are framed by min and max, and breaks outside the values are dropped', () => {
    const server = { quantile: { '3': [0, 1, 2, 3] }, equal: {}, jenks: {} };
    expect(valueBreaks('custom', 3, server, [2, 9, 40], [5, 10, 50])).toEqual([2, 5, 10, 40]);
    expect(valueBreaks('custom', 3, server, [2, 9, 40], [])).toEqual([0, 1, 2, 3]);
    expect(valueBreaks('quantile', 3, server, [], [])).toEqual([]);
  });

  it('legend rows say "von … bis unter …" and count the areas per class', () => {
    expect(legendRows([1, 2, 5, 9.5, 10, null], [1, 5, 10], ['#a', '#b'], ' %')).toEqual([
      { colour: '#a', label: 'von 1 bis unter 5 %', count: 2 },
      { colour: '#b', label: 'von 5 bis 10 %', count: 3 },
    ]);
    expect(legendRows([-2], [-4, 0, 4], ['#a', '#b'], '', true)[0]!.label).toBe('von -4 bis unter 0');
    expect(legendRows([2], [-4, 0, 4], ['#a', '#b'], '', true)[1]!.label).toBe('von 0 bis +4');
  });

  it('a difference of percentages is in percentage points', () => {
    expect(displayUnit('%', 'none')).toBe(' %');
    expect(displayUnit('%', 'year')).toBe(' Prozentpunkte');
    expect(displayUnit('Anzahl', 'city')).toBe('');
  });
});

describe('rows of a comparison', () => {
  const values = (schuljahr: string, list: [number, number | null, boolean][], city: number | null = 20): ValuesResponse => ({
    dataVersion: 'v',
    indicator: { id: 'x', title: 'X', unit: '%', kind: 'rate', polarity: 'higher_is_worse' },
    level: 'Quartier',
    schuljahr,
    disclosure: { minCount: 3, minDenominator: 10 },
    city: { value: city, numerator: null, denominator: null, suppressed: false, reason: null },
    values: list.map(([fid, value, suppressed]) => ({
      areaId: String(fid),
      fid,
      name: `Q${fid}`,
      value,
      numerator: null,
      denominator: null,
      suppressed,
      reason: suppressed ? 'primary' : null,
      rank: null,
    })),
    stats: { count: 0, suppressed: 0, missing: 0, min: null, max: null, mean: null, breaks: { quantile: {}, equal: {}, jenks: {} } },
  });

  it.each([
    // fid, value now, value then, suppressed now/then → shown difference, suppressed
    ['both known', [1, 30, false], [1, 25.5, false], 4.5, false],
    ['secret now', [1, null, true], [1, 25, false], null, true],
    ['secret then', [1, 30, false], [1, null, true], null, true],
    ['missing then', [1, 30, false], [1, null, false], null, false],
  ] as const)('difference to a reference year: %s', (_, now, then, shown, suppressed) => {
    const [row] = rowsFor('year', values('2024/25', [[...now]]), values('2022/23', [[...then]]));
    expect([row!.shown, row!.suppressed]).toEqual([shown, suppressed]);
  });

  it('deviation from the city value; no city value gives no deviation', () => {
    expect(rowsFor('city', values('2024/25', [[1, 26.25, false]]), null)[0]!.shown).toBe(6.25);
    expect(rowsFor('city', values('2024/25', [[1, 26.25, false]], null), null)[0]!.shown).toBe(null);
  });

  it('classify gives each row the class of its shown number, with the legend title', () => {
    const cur = values('2024/25', [
      [1, 10, false],
      [2, 20, false],
      [3, 40, false],
      [4, null, true],
    ]);
    const view = readView('?compare=city&classes=3', choices);
    const s = classify(view, cur, null);
    expect(s.breaks).toEqual([-20, -20 / 3, 20 / 3, 20].map((v) => Math.round(v * 1e6) / 1e6));
    expect(s.rows.map((r) => [r.shown, r.cls])).toEqual([
      [-10, 0],
      [0, 1],
      [20, 2],
      [null, null],
    ]);
    expect(s.title).toBe('X 2024/25, Abweichung vom Wert der Stadt');
    expect(s.unit).toBe(' Prozentpunkte');
  });
});

describe('table sorting', () => {
  const rows = [
    { name: 'Altstadt', v: 3 },
    { name: 'Zentrum', v: null },
    { name: 'Bergfeld 10', v: 10 },
    { name: 'Bergfeld 9', v: 1 },
  ];
  const col = { key: 'v', title: 'V', value: (r: (typeof rows)[number]) => r.v };
  it('sorts numbers both ways with "no value" last', () => {
    expect(sortRows(rows, col, 'ascending').map((r) => r.v)).toEqual([1, 3, 10, null]);
    expect(sortRows(rows, col, 'descending').map((r) => r.v)).toEqual([10, 3, 1, null]);
  });
  it('sorts names the German way, numbers inside names by value', () => {
    expect(sortRows(rows, { key: 'n', title: 'N', value: (r) => r.name }, 'ascending').map((r) => r.name)).toEqual([
      'Altstadt',
      'Bergfeld 9',
      'Bergfeld 10',
      'Zentrum',
    ]);
  });
});

describe('label placement', () => {
  it('places labels first come first served, hides those that overlap or leave the map', () => {
    const box = { w: 40, h: 10 };
    expect(
      placeLabels(
        [
          { x: 50, y: 50, ...box },
          { x: 60, y: 52, ...box }, // overlaps the first
          { x: 50, y: 80, ...box },
          { x: 5, y: 50, ...box }, // sticks out on the left
        ],
        200,
        200,
      ),
    ).toEqual([true, false, true, false]);
  });
});

describe('finder texts', () => {
  it('every language has every text, and Arabic is right to left', () => {
    for (const lang of ['de', 'en', 'ar'] as const) expect(t(lang, 'results', { n: 4 })).toMatch(/4/);
    expect(t('de', 'distance', { km: '1,2' })).toBe('1,2 km entfernt');
    expect(dirOf('ar')).toBe('rtl');
    expect(dirOf('en')).toBe('ltr');
  });
});
