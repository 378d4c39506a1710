import type { Schema } from '../../core/db/schema.ts';

/**
 * The indicator registry: every published indicator with its metadata. Pupil
 * indicators are computed by the aggregate stage from the measures below.
 */
export type IndicatorDefinition = Schema['published.indicators'] & {
  /**
   * Count cells (see measures.ts): the numerator, and for rates the denominator and
   * the complement (denominator − numerator), which must add up within one area.
   */
  measures: { numerator: string; denominator?: string; complement?: string };
  /** Factor from numerator/denominator to the value, e.g. 100 for percent. */
  scale: number;
};

const SOURCE = 'Schulstatistik, Gemeindedatensatz (Schüler-Wohnort-Datei), eigene Berechnung';
const STICHTAG = 'Stichtag der amtlichen Schulstatistik (Mitte Oktober)';
const GEOCODE_CAVEAT =
  'Nur Schülerinnen und Schüler mit zugeordneter Wohnadresse; Datensätze mit nur bekannter Straße zählen nur auf Ebenen, auf denen die ganze Straße in einem Gebiet liegt.';

/** The pupil indicators; `local` is the title of the level that counts as the pupil's own area. */
export function pupilIndicators(local: string): IndicatorDefinition[] {
  return [
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
        'Anteil der Schülerinnen und Schüler, deren in der Familie überwiegend gesprochene Sprache (Verkehrssprache) nicht Deutsch ist.',
      theme: 'Sprache und Herkunft',
      kind: 'rate',
      unit: '%',
      numerator: 'Schülerinnen und Schüler mit nichtdeutscher Familiensprache',
      denominator: 'Schülerinnen und Schüler',
      reference: 'Wohnort',
      polarity: 'higher_is_worse',
      source: SOURCE,
      caveats:
        'Mehrsprachigkeit ist eine Ressource; der Indikator zeigt Bedarf an Sprachbildung, kein Defizit. Fehlende Angaben zählen nicht als nichtdeutsch (ihre Zahl steht im Laufbericht). ' +
        GEOCODE_CAVEAT,
      stichtag: STICHTAG,
      measures: {
        numerator: 'familiensprache:nicht_deutsch',
        denominator: 'pupils',
        complement: 'familiensprache:deutsch_oder_ohne_angabe',
      },
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
      measures: { numerator: 'foerderschwerpunkt_ja', denominator: 'pupils', complement: 'foerderschwerpunkt:ohne' },
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
      measures: { numerator: 'sek1_gymnasium', denominator: 'sek1', complement: 'sek1_andere' },
      scale: 100,
    },
    {
      id: 'anteil_staatsangehoerigkeit_nicht_deutsch',
      title: 'Staatsangehörigkeit nicht deutsch',
      definition: 'Anteil der Schülerinnen und Schüler ohne deutsche Staatsangehörigkeit.',
      theme: 'Sprache und Herkunft',
      kind: 'rate',
      unit: '%',
      numerator: 'Schülerinnen und Schüler mit ausschließlich nichtdeutscher Staatsangehörigkeit',
      denominator: 'Schülerinnen und Schüler',
      reference: 'Wohnort',
      polarity: 'neutral',
      source: SOURCE,
      caveats:
        'Die Schulstatistik erfasst eine Staatsangehörigkeit; Doppelstaatler mit deutscher zählen als deutsch. Fehlende Angaben zählen als deutsch (ihre Zahl steht im Laufbericht). ' +
        GEOCODE_CAVEAT,
      stichtag: STICHTAG,
      measures: {
        numerator: 'staatsangehoerigkeit:nicht_deutsch',
        denominator: 'pupils',
        complement: 'staatsangehoerigkeit:deutsch_oder_ohne_angabe',
      },
      scale: 100,
    },
    {
      id: 'anteil_zuzug_3_jahre',
      title: 'Zuzug in den letzten 3 Jahren',
      definition:
        'Anteil der Schülerinnen und Schüler, die im Jahr des Schuljahresbeginns oder in den zwei Jahren davor nach Deutschland zugezogen sind.',
      theme: 'Sprache und Herkunft',
      kind: 'rate',
      unit: '%',
      numerator: 'Schülerinnen und Schüler mit Zuzugsjahr in den letzten 3 Jahren',
      denominator: 'Schülerinnen und Schüler',
      reference: 'Wohnort',
      polarity: 'higher_is_worse',
      source: SOURCE,
      caveats: 'Ein fehlendes Zuzugsjahr zählt als „nicht zugezogen“. ' + GEOCODE_CAVEAT,
      stichtag: STICHTAG,
      measures: { numerator: 'zuzug:letzte_3_jahre', denominator: 'pupils', complement: 'zuzug:sonst' },
      scale: 100,
    },
    {
      id: 'anteil_schule_ausserhalb_gebiet',
      title: `Schulbesuch außerhalb des eigenen Gebiets (${local})`,
      definition: `Anteil der Schülerinnen und Schüler, deren Schule nicht in dem Gebiet der Ebene „${local}“ liegt, in dem sie wohnen (einschließlich Schulen außerhalb der Stadt).`,
      theme: 'Schulwege und Einzugsbereiche',
      kind: 'rate',
      unit: '%',
      numerator: `Schülerinnen und Schüler mit Schule außerhalb des eigenen Gebiets (${local})`,
      denominator: 'Schülerinnen und Schüler',
      reference: 'Wohnort',
      polarity: 'neutral',
      source: SOURCE,
      caveats:
        `Schulstandort laut Schulverzeichnis (Hauptstandort). Wer nur einem gröberen Gebiet als „${local}“ zugeordnet ist, zählt nicht als außerhalb. ` +
        GEOCODE_CAVEAT,
      stichtag: STICHTAG,
      measures: { numerator: 'schulort_ausserhalb_gebiet', denominator: 'pupils', complement: 'schulort_nicht_ausserhalb_gebiet' },
      scale: 100,
    },
    {
      id: 'anteil_schule_ausserhalb_stadt',
      title: 'Schulbesuch außerhalb der Stadt',
      definition: 'Anteil der Schülerinnen und Schüler, deren Schule außerhalb der Stadtgrenze liegt.',
      theme: 'Schulwege und Einzugsbereiche',
      kind: 'rate',
      unit: '%',
      numerator: 'Schülerinnen und Schüler mit Schule außerhalb der Stadt',
      denominator: 'Schülerinnen und Schüler',
      reference: 'Wohnort',
      polarity: 'neutral',
      source: SOURCE,
      caveats: 'Nur Schulen, die im Gemeindedatensatz der Stadt enthalten sind. ' + GEOCODE_CAVEAT,
      stichtag: STICHTAG,
      measures: { numerator: 'schulort:ausserhalb_stadt', denominator: 'pupils', complement: 'schulort_in_stadt' },
      scale: 100,
    },
    {
      id: 'anteil_nicht_naechste_grundschule',
      title: 'Grundschule nicht unter den 3 nächstgelegenen',
      definition:
        'Anteil der Grundschülerinnen und Grundschüler (Jahrgänge 1–4 an Grundschulen), deren Schule nicht eine der drei nach Luftlinie nächstgelegenen Grundschulen ist.',
      theme: 'Schulwege und Einzugsbereiche',
      kind: 'rate',
      unit: '%',
      numerator: 'Grundschülerinnen und Grundschüler an einer anderen als den 3 nächstgelegenen Grundschulen',
      denominator: 'Grundschülerinnen und Grundschüler (Jahrgänge 1–4 an Grundschulen)',
      reference: 'Wohnort',
      polarity: 'neutral',
      source: SOURCE,
      caveats:
        'Luftlinie, nicht Schulweg; alle Grundschulen des Schulverzeichnisses, auch in Nachbarstädten und Bekenntnisschulen. Ohne Hausadresse (nur Straße bekannt) zählt nicht als „andere“.',
      stichtag: STICHTAG,
      measures: { numerator: 'grundschulwahl:andere', denominator: 'grundschule', complement: 'grundschulwahl_nicht_andere' },
      scale: 100,
    },
  ];
}
