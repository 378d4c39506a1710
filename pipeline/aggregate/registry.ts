import type { Schema } from '../../core/db/schema.ts';

/**
 * The indicator registry: every published indicator with its metadata. Pupil
 * indicators are computed by the aggregate stage from the measures below.
 */
export type IndicatorDefinition = Schema['published.indicators'] & {
  /** Measure columns of the aggregate query. */
  measures: { numerator: string; denominator?: string };
  /** Factor from numerator/denominator to the value, e.g. 100 for percent. */
  scale: number;
};

const SOURCE = 'Schulstatistik, Gemeindedatensatz (Schüler-Wohnort-Datei), eigene Berechnung';
const STICHTAG = 'Stichtag der amtlichen Schulstatistik (Mitte Oktober)';
const GEOCODE_CAVEAT =
  'Nur Schülerinnen und Schüler mit zugeordneter Wohnadresse; Datensätze mit nur bekannter Straße zählen nur auf Ebenen, auf denen die ganze Straße in einem Gebiet liegt.';

export const PUPIL_INDICATORS: readonly IndicatorDefinition[] = [
  {
    id: 'schueler_insgesamt',
    title: 'Schülerinnen und Schüler (Wohnort)',
    definition: 'Anzahl der Schülerinnen und Schüler allgemeinbildender Schulen mit Wohnsitz im Gebiet.',
    theme: 'Schülerschaft',
    kind: 'count',
    unit: 'Anzahl',
    numerator: 'Schülerinnen und Schüler mit Wohnsitz im Gebiet',
    denominator: null,
    reference: 'Wohnort',
    polarity: 'neutral',
    source: SOURCE,
    caveats: GEOCODE_CAVEAT,
    stichtag: STICHTAG,
    measures: { numerator: 'pupils' },
    scale: 1,
  },
  {
    id: 'anteil_familiensprache_nicht_deutsch',
    title: 'Familiensprache nicht Deutsch',
    definition:
      'Anteil der Schülerinnen und Schüler, deren in der Familie überwiegend gesprochene Sprache (Verkehrssprache) nicht Deutsch ist, an allen mit Angabe.',
    theme: 'Sprache und Herkunft',
    kind: 'rate',
    unit: '%',
    numerator: 'Schülerinnen und Schüler mit nichtdeutscher Familiensprache',
    denominator: 'Schülerinnen und Schüler mit Angabe zur Familiensprache',
    reference: 'Wohnort',
    polarity: 'higher_is_worse',
    source: SOURCE,
    caveats: 'Mehrsprachigkeit ist eine Ressource; der Indikator zeigt Bedarf an Sprachbildung, kein Defizit. ' + GEOCODE_CAVEAT,
    stichtag: STICHTAG,
    measures: { numerator: 'lang_not_german', denominator: 'lang_known' },
    scale: 100,
  },
  {
    id: 'anteil_foerderschwerpunkt',
    title: 'Sonderpädagogischer Förderbedarf',
    definition: 'Anteil der Schülerinnen und Schüler mit festgestelltem sonderpädagogischem Förderschwerpunkt.',
    theme: 'Förderung',
    kind: 'rate',
    unit: '%',
    numerator: 'Schülerinnen und Schüler mit Förderschwerpunkt',
    denominator: 'Schülerinnen und Schüler',
    reference: 'Wohnort',
    polarity: 'higher_is_worse',
    source: SOURCE,
    caveats: GEOCODE_CAVEAT,
    stichtag: STICHTAG,
    measures: { numerator: 'foerder', denominator: 'pupils' },
    scale: 100,
  },
  {
    id: 'anteil_gymnasium_sek1',
    title: 'Gymnasialbesuch Sekundarstufe I',
    definition: 'Anteil der Schülerinnen und Schüler der Jahrgänge 5 bis 10, die ein Gymnasium besuchen.',
    theme: 'Bildungsbeteiligung',
    kind: 'rate',
    unit: '%',
    numerator: 'Schülerinnen und Schüler der Jahrgänge 5–10 an Gymnasien',
    denominator: 'Schülerinnen und Schüler der Jahrgänge 5–10',
    reference: 'Wohnort',
    polarity: 'higher_is_better',
    source: SOURCE,
    caveats: GEOCODE_CAVEAT,
    stichtag: STICHTAG,
    measures: { numerator: 'sek1_gymnasium', denominator: 'sek1' },
    scale: 100,
  },
];
