import { SCHULFORM_NAMES } from '../read/schools.ts';
import type { Partition } from '../protect/table.ts';

/**
 * What the aggregate stage counts. Every assigned record counts once in each
 * measure of its list (see tally.ts); a measure is either a category
 * of a dimension (`jahrgang:05`), a derived sum (`sek1`), or a flow to a school
 * (`school:123456`). The partitions say which measures add up to which: they
 * are the groups of the secondary suppression, and the dimension categories are
 * published as breakdowns.
 */
export interface Dimension {
  id: string;
  title: string;
  categories: readonly { id: string; title: string }[];
}

const JAHRGAENGE = [...Array.from({ length: 13 }, (_, i) => String(i + 1).padStart(2, '0')), 'E1', 'Q1', 'Q2'];

/** Schulweg bins in metres, straight line from home to school. */
export const SCHULWEG_BINS = [
  { id: 'unter_1km', title: 'unter 1 km', upTo: 1000 },
  { id: '1_bis_2km', title: '1 bis unter 2 km', upTo: 2000 },
  { id: '2_bis_5km', title: '2 bis unter 5 km', upTo: 5000 },
  { id: '5_bis_10km', title: '5 bis unter 10 km', upTo: 10000 },
  { id: 'ab_10km', title: '10 km und mehr', upTo: null },
] as const;

export function dimensions(localLevelTitle: string): Dimension[] {
  return [
    {
      id: 'jahrgang',
      title: 'Jahrgang',
      categories: JAHRGAENGE.map((j) => ({ id: j, title: /^\d/.test(j) ? `Jahrgang ${Number(j)}` : j })),
    },
    {
      id: 'schulform',
      title: 'Schulform',
      categories: Object.entries(SCHULFORM_NAMES).map(([id, title]) => ({ id, title })),
    },
    {
      id: 'geschlecht',
      title: 'Geschlecht',
      categories: [
        { id: 'w', title: 'weiblich' },
        { id: 'm', title: 'männlich' },
        { id: 'divers', title: 'divers oder ohne Angabe' },
      ],
    },
    {
      id: 'familiensprache',
      title: 'Familiensprache',
      categories: [
        { id: 'nicht_deutsch', title: 'nicht Deutsch' },
        { id: 'deutsch_oder_ohne_angabe', title: 'Deutsch oder ohne Angabe' },
      ],
    },
    {
      id: 'staatsangehoerigkeit',
      title: 'Staatsangehörigkeit',
      categories: [
        { id: 'nicht_deutsch', title: 'nicht deutsch' },
        { id: 'deutsch_oder_ohne_angabe', title: 'deutsch oder ohne Angabe' },
      ],
    },
    {
      id: 'zuzug',
      title: 'Zuzug nach Deutschland',
      categories: [
        { id: 'letzte_3_jahre', title: 'in den letzten 3 Jahren' },
        { id: 'sonst', title: 'früher oder ohne Angabe' },
      ],
    },
    {
      id: 'foerderschwerpunkt',
      title: 'Förderschwerpunkt',
      categories: [
        { id: 'LE', title: 'Lernen' },
        { id: 'SQ', title: 'Sprache' },
        { id: 'ES', title: 'Emotionale und soziale Entwicklung' },
        { id: 'GG', title: 'Geistige Entwicklung' },
        { id: 'KM', title: 'Körperliche und motorische Entwicklung' },
        { id: 'HK', title: 'Hören und Kommunikation' },
        { id: 'SE', title: 'Sehen' },
        { id: 'ohne', title: 'ohne Förderschwerpunkt' },
      ],
    },
    {
      id: 'schulort',
      title: 'Schulort',
      categories: [
        { id: 'im_gebiet', title: `im eigenen Gebiet (${localLevelTitle})` },
        { id: 'anderes_gebiet', title: `in einem anderen Gebiet (${localLevelTitle}) der Stadt` },
        { id: 'ausserhalb_stadt', title: 'außerhalb der Stadt' },
        { id: 'unbekannt', title: `${localLevelTitle} des Wohnorts unbekannt` },
      ],
    },
    {
      id: 'schulweg',
      title: 'Schulweg (Luftlinie)',
      categories: [...SCHULWEG_BINS.map(({ id, title }) => ({ id, title })), { id: 'unbekannt', title: 'ohne Hausadresse' }],
    },
    {
      id: 'grundschulwahl',
      title: 'Grundschulwahl (Jahrgänge 1–4 an Grundschulen)',
      categories: [
        { id: 'naechste_3', title: 'eine der 3 nächstgelegenen Grundschulen' },
        { id: 'andere', title: 'eine andere Grundschule' },
        { id: 'unbekannt', title: 'ohne Hausadresse' },
      ],
    },
  ];
}

/**
 * Sums that indicators need and that are not a single category. There is
 * deliberately no "with known value" sum (e.g. pupils with a known family
 * language): it differs from the total by the few unknowns, so protecting those
 * few would hide the total or that sum in every area they occur in, and the
 * hidden cell then cascades through all levels (measured on the demo: a quarter
 * of all Stadtbezirk totals). Unknowns are counted with the complement instead,
 * and the run report gives their number.
 */
const DERIVED = [
  'pupils',
  'foerderschwerpunkt_ja',
  'sek1',
  'sek1_gymnasium',
  'sek1_andere',
  'schulort_ausserhalb_gebiet',
  'schulort_nicht_ausserhalb_gebiet',
  'schulort_in_stadt',
  'grundschule',
  'grundschulwahl_nicht_andere',
] as const;

/** Measures every area has in every Schuljahr (0 when nobody counts in them). */
export function fixedMeasures(dims: readonly Dimension[]): string[] {
  return [...DERIVED, ...dims.flatMap((d) => (d.id === 'schulform' ? [] : d.categories.map((c) => `${d.id}:${c.id}`)))];
}

const prefix = (p: string) => ({ prefix: p });
export const PARTITIONS: readonly Partition[] = [
  ...[
    'jahrgang',
    'schulform',
    'geschlecht',
    'familiensprache',
    'staatsangehoerigkeit',
    'zuzug',
    'foerderschwerpunkt',
    'schulort',
    'schulweg',
  ].map((d) => ({ whole: 'pupils', parts: prefix(`${d}:`) })),
  { whole: 'pupils', parts: prefix('school:') },
  { whole: 'pupils', parts: ['foerderschwerpunkt_ja', 'foerderschwerpunkt:ohne'] },
  { whole: 'foerderschwerpunkt_ja', parts: ['LE', 'SQ', 'ES', 'GG', 'KM', 'HK', 'SE'].map((f) => `foerderschwerpunkt:${f}`) },
  { whole: 'sek1', parts: ['05', '06', '07', '08', '09', '10'].map((j) => `jahrgang:${j}`) },
  { whole: 'sek1', parts: ['sek1_gymnasium', 'sek1_andere'] },
  { whole: 'pupils', parts: ['schulort_ausserhalb_gebiet', 'schulort_nicht_ausserhalb_gebiet'] },
  { whole: 'schulort_ausserhalb_gebiet', parts: ['schulort:anderes_gebiet', 'schulort:ausserhalb_stadt'] },
  { whole: 'schulort_nicht_ausserhalb_gebiet', parts: ['schulort:im_gebiet', 'schulort:unbekannt'] },
  { whole: 'pupils', parts: ['schulort_in_stadt', 'schulort:ausserhalb_stadt'] },
  { whole: 'schulort_in_stadt', parts: ['schulort:im_gebiet', 'schulort:anderes_gebiet', 'schulort:unbekannt'] },
  { whole: 'grundschule', parts: prefix('grundschulwahl:') },
  { whole: 'grundschule', parts: ['grundschulwahl:andere', 'grundschulwahl_nicht_andere'] },
  { whole: 'grundschulwahl_nicht_andere', parts: ['grundschulwahl:naechste_3', 'grundschulwahl:unbekannt'] },
];

/** The measure that a value of a record column counts in. */
export function measureOf(column: string, value: string): string {
  if (column === 'schulnummer') return `school:${value}`;
  if (column === 'sek1') return `sek1_${value}`;
  return `${column}:${value}`;
}

/** Adds the derived sums to the counts of one area × Schuljahr (pure; `counts` holds pupils and categories). */
export function addDerivedSums(counts: Map<string, number>): void {
  const get = (m: string) => counts.get(m) ?? 0;
  const sum = (ms: readonly string[]) => ms.reduce((s, m) => s + get(m), 0);
  counts.set('foerderschwerpunkt_ja', sum(['LE', 'SQ', 'ES', 'GG', 'KM', 'HK', 'SE'].map((f) => `foerderschwerpunkt:${f}`)));
  counts.set('sek1', sum(['sek1_gymnasium', 'sek1_andere']));
  counts.set('schulort_ausserhalb_gebiet', sum(['schulort:anderes_gebiet', 'schulort:ausserhalb_stadt']));
  counts.set('schulort_nicht_ausserhalb_gebiet', sum(['schulort:im_gebiet', 'schulort:unbekannt']));
  counts.set('schulort_in_stadt', sum(['schulort:im_gebiet', 'schulort:anderes_gebiet', 'schulort:unbekannt']));
  counts.set('grundschule', sum(['grundschulwahl:naechste_3', 'grundschulwahl:andere', 'grundschulwahl:unbekannt']));
  counts.set('grundschulwahl_nicht_andere', sum(['grundschulwahl:naechste_3', 'grundschulwahl:unbekannt']));
}
