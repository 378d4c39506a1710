import { describe, expect, it } from 'vitest';
import { Places, type House } from '../../pipeline/assign/places.ts';
import { ORIGIN_LEVEL, SCHOOL_LEVEL, Tally, type SchoolFacts, type TallyRecord } from '../../pipeline/aggregate/tally.ts';
import type { CountRow } from '../../pipeline/protect/table.ts';

const LEVELS = ['Bezirk', 'Stadtteil'];
const SCHOOLS: SchoolFacts[] = [
  { schulnummer: '100001', schulform: '02', gx: 0, gy: 0, localArea: '11', inCity: true }, // Grundschule in Stadtteil 11
  { schulnummer: '100002', schulform: '20', gx: 3000, gy: 4000, localArea: '12', inCity: true }, // Gymnasium, 5 km from (0, 0)
  { schulnummer: '100003', schulform: '10', gx: 0, gy: 999.5, localArea: null, inCity: false }, // Hauptschule outside the city
];
const places = new Places(LEVELS, [], []);
const home = places.place(['1', '11']);
const houseAt = (gx: number, gy: number, nearest: string[] = ['100001']): House => ({ place: home, gx, gy, nearest, sole: home.areas });

const record = (over: Partial<TallyRecord> = {}): TallyRecord => ({
  schuljahr: '2024/25',
  schulnummer: '100001',
  jahrgang: '02',
  geschlecht: 'w',
  verkehrssprache: 'deu',
  staatsangehoerigkeit: 'DEU',
  zuzugsjahr: null,
  foerderschwerpunkt: '',
  anzahl: 1,
  ...over,
});

/** The measures one resident record counts in, on the Stadtteil level (without derived sums). */
function measuresOf(r: TallyRecord, house: House | null, place = home): string[] {
  const t = new Tally({ levels: LEVELS, localLevel: 1, schools: SCHOOLS });
  t.resident(r, place, house);
  const derived = new Set([
    'foerderschwerpunkt_ja',
    'sek1',
    'schulort_ausserhalb_gebiet',
    'schulort_nicht_ausserhalb_gebiet',
    'schulort_in_stadt',
    'grundschule',
    'grundschulwahl_nicht_andere',
  ]);
  return t
    .rows()
    .filter((c) => c.level === 'Stadtteil' && !derived.has(c.measure))
    .map((c) => c.measure)
    .sort();
}

describe('tally: the categories a record counts in', () => {
  const base = [
    'familiensprache:deutsch_oder_ohne_angabe',
    'foerderschwerpunkt:ohne',
    'geschlecht:w',
    'pupils',
    'staatsangehoerigkeit:deutsch_oder_ohne_angabe',
    'zuzug:sonst',
  ];
  it('a Grundschüler at the nearest Grundschule in the own Stadtteil, 500 m away', () => {
    expect(measuresOf(record(), houseAt(300, 400))).toEqual(
      [
        ...base,
        'grundschulwahl:naechste_3',
        'jahrgang:02',
        'school:100001',
        'schulform:02',
        'schulort:im_gebiet',
        'schulweg:unter_1km',
      ].sort(),
    );
  });

  it.each<[string, Partial<TallyRecord>, House | null, string[]]>([
    ['geschlecht d counts as divers', { geschlecht: 'd' }, null, ['geschlecht:divers']],
    ['geschlecht x counts as divers', { geschlecht: 'x' }, null, ['geschlecht:divers']],
    ['a family language other than German', { verkehrssprache: 'tur' }, null, ['familiensprache:nicht_deutsch']],
    ['no family language given', { verkehrssprache: '' }, null, ['familiensprache:deutsch_oder_ohne_angabe']],
    ['a foreign nationality', { staatsangehoerigkeit: 'SYR' }, null, ['staatsangehoerigkeit:nicht_deutsch']],
    ['moved in two years before the Schuljahr began', { zuzugsjahr: 2022 }, null, ['zuzug:letzte_3_jahre']],
    ['moved in three years before', { zuzugsjahr: 2021 }, null, ['zuzug:sonst']],
    ['a Förderschwerpunkt', { foerderschwerpunkt: 'LE' }, null, ['foerderschwerpunkt:LE']],
    ['without a house: way and choice unknown', {}, null, ['schulweg:unbekannt', 'grundschulwahl:unbekannt']],
    ['not one of the nearest', {}, houseAt(0, 0, ['100009']), ['grundschulwahl:andere']],
    [
      'Jahrgang 5 at a Gymnasium, exactly 5 km away',
      { jahrgang: '05', schulnummer: '100002' },
      houseAt(0, 0),
      ['sek1_gymnasium', 'schulort:anderes_gebiet', 'schulweg:5_bis_10km'],
    ],
    [
      'just under 1 km to a school outside the city',
      { jahrgang: '07', schulnummer: '100003' },
      houseAt(0, 0),
      ['sek1_andere', 'schulort:ausserhalb_stadt', 'schulweg:unter_1km'],
    ],
  ])('%s', (_, over, house, expected) => {
    const got = measuresOf(record(over), house);
    for (const m of expected) expect(got).toContain(m);
  });

  it('counts no Grundschulwahl outside Jahrgang 1–4 or outside Grundschulen, no Sek I outside 5–10', () => {
    expect(measuresOf(record({ jahrgang: '05' }), houseAt(0, 0)).filter((m) => m.startsWith('grundschulwahl'))).toEqual([]);
    expect(measuresOf(record({ jahrgang: '11', schulnummer: '100002' }), houseAt(0, 0)).filter((m) => m.startsWith('sek1'))).toEqual([]);
  });

  it('has schulort unbekannt where the home is unassigned on the local level, and counts nothing there', () => {
    const t = new Tally({ levels: LEVELS, localLevel: 1, schools: SCHOOLS });
    t.resident(record(), places.place(['1', null]), null);
    const rows = t.rows();
    expect(rows.filter((r) => r.level === 'Stadtteil')).toEqual([]);
    expect(rows.find((r) => r.level === 'Bezirk' && r.measure === 'schulort:unbekannt')?.count).toBe(1);
    expect(t.unassigned()).toEqual({ Bezirk: 0, Stadtteil: 1 });
  });
});

describe('tally: counts', () => {
  const sorted = (rows: CountRow[]) => rows.map((r) => `${r.level} ${r.areaId} ${r.schuljahr} ${r.measure} ${r.count}`).sort();

  it('adds Anzahl per area and Schuljahr on every level, Einpendler per origin, and every valid record to its school', () => {
    const t = new Tally({ levels: LEVELS, localLevel: 1, schools: SCHOOLS });
    const other = places.place(['1', '12']);
    t.resident(record({ anzahl: 2 }), home, null);
    t.resident(record(), other, null);
    t.resident(record({ schuljahr: '2023/24' }), home, null);
    t.einpendler(record({ anzahl: 4, schulnummer: '100002' }), '05512000');
    t.unplaced(record({ anzahl: 5 }));
    const rows = t.rows();
    const pupils = rows.filter((r) => r.measure === 'pupils');
    expect(sorted(pupils)).toEqual(
      [
        'Bezirk 1 2024/25 pupils 3',
        'Bezirk 1 2023/24 pupils 1',
        'Stadtteil 11 2024/25 pupils 2',
        'Stadtteil 12 2024/25 pupils 1',
        'Stadtteil 11 2023/24 pupils 1',
        `${ORIGIN_LEVEL} 05512000 2024/25 pupils 4`,
        `${SCHOOL_LEVEL} 100001 2024/25 pupils 8`,
        `${SCHOOL_LEVEL} 100001 2023/24 pupils 1`,
        `${SCHOOL_LEVEL} 100002 2024/25 pupils 4`,
      ].sort(),
    );
    expect(rows.filter((r) => r.level === ORIGIN_LEVEL).map((r) => [r.measure, r.count])).toEqual([
      ['pupils', 4],
      ['school:100002', 4],
    ]);
    // Derived sums exist for every unit, also where they are 0.
    expect(rows.find((r) => r.level === 'Stadtteil' && r.areaId === '12' && r.measure === 'sek1')?.count).toBe(0);
    expect(
      rows.find((r) => r.level === 'Stadtteil' && r.areaId === '11' && r.schuljahr === '2024/25' && r.measure === 'grundschule')?.count,
    ).toBe(2);
    expect(t.unassigned()).toEqual({ Bezirk: 0, Stadtteil: 0 });
  });

  it('refuses a school it does not know (validation admits known schools only)', () => {
    const t = new Tally({ levels: LEVELS, localLevel: 1, schools: SCHOOLS });
    expect(() => t.unplaced(record({ schulnummer: '199999' }))).toThrow('tally: school 199999 is not among the schools');
  });
});
