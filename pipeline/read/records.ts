import { foldGerman } from '../normalise/address.ts';

/**
 * Validation of one pupil record (pure). A record is either valid, with every
 * field in canonical form, or rejected with a reason and the offending column.
 */
export interface PupilRecord {
  schuljahr: string;
  schulnummer: string;
  jahrgang: string;
  geschlecht: 'm' | 'w' | 'd' | 'x';
  staatsangehoerigkeit: string; // ISO 3166 alpha-3 or '' (unknown)
  verkehrssprache: string; // ISO 639 three-letter or '' (unknown)
  zuzugsjahr: number | null;
  foerderschwerpunkt: string;
  wohnort: string;
  plz: string;
  strasse: string;
  hausnummer: string;
  zusatz: string;
  anzahl: number;
  /** Further ASD fields, carried as given ('' when absent). */
  status: string;
  grundschulempfehlung: string;
  lsSchulnummer: string;
}

export type RejectReason =
  | 'field_count'
  | 'invalid_schuljahr'
  | 'schuljahr_mismatch'
  | 'invalid_schulnummer'
  | 'unknown_schulnummer'
  | 'invalid_jahrgang'
  | 'invalid_geschlecht'
  | 'invalid_staatsangehoerigkeit'
  | 'invalid_verkehrssprache'
  | 'invalid_zuzugsjahr'
  | 'invalid_foerderschwerpunkt'
  | 'invalid_anzahl'
  | 'field_too_long';

export type Validation = { ok: true; record: PupilRecord } | { ok: false; reason: RejectReason; column: string; value: string };

export interface ValidationContext {
  /** Schuljahr of the job, used when the record has none and enforced when it has one. */
  schuljahr?: string | undefined;
  knownSchools: ReadonlySet<string>;
}

const GESCHLECHT: Record<string, PupilRecord['geschlecht']> = {
  m: 'm',
  w: 'w',
  d: 'd',
  x: 'x',
  '3': 'm',
  '4': 'w',
  '5': 'd',
  '6': 'x',
  maennlich: 'm',
  weiblich: 'w',
  divers: 'd',
  'ohne angabe': 'x',
};
const FOERDER = new Set(['LE', 'SQ', 'ES', 'GG', 'KM', 'HK', 'SE']);
/** Common ISO 639-1 codes found in school files, mapped to 639-2/3. */
const LANG_1_TO_3: Record<string, string> = {
  de: 'deu',
  en: 'eng',
  tr: 'tur',
  ar: 'ara',
  pl: 'pol',
  ru: 'rus',
  uk: 'ukr',
  ro: 'ron',
  bg: 'bul',
  it: 'ita',
  el: 'ell',
  fa: 'fas',
  ku: 'kur',
  sq: 'sqi',
  sr: 'srp',
  hr: 'hrv',
  bs: 'bos',
  es: 'spa',
  fr: 'fra',
  pt: 'por',
};

export type RawRecord = Record<string, string>;

/** Characters a record field may have (street names reach about 60). */
export const MAX_FIELD_LENGTH = 200;

// Module-level helpers, not closures: validateRecord runs once per record, and under
// tsx (esbuild keepNames) every closure created costs a defineProperty.
function field(raw: RawRecord, k: string): string {
  return (raw[k] ?? '').trim();
}

function rejected(raw: RawRecord, reason: RejectReason, column: string): Validation {
  return { ok: false, reason, column, value: field(raw, column) };
}

export function validateRecord(raw: RawRecord, ctx: ValidationContext): Validation {
  // No field of a real record comes near this; a longer one is a broken export, and
  // matching it against every street name would take minutes (edit distance).
  for (const k in raw) {
    if (raw[k]!.length > MAX_FIELD_LENGTH)
      return { ok: false, reason: 'field_too_long', column: k, value: raw[k]!.slice(0, MAX_FIELD_LENGTH) };
  }

  let schuljahr = field(raw, 'Schuljahr');
  if (!schuljahr && ctx.schuljahr) schuljahr = ctx.schuljahr;
  const sj = /^(\d{4})\/(\d{2})$/.exec(schuljahr);
  if (!sj || (Number(sj[1]) + 1) % 100 !== Number(sj[2]) || Number(sj[1]) < 1990 || Number(sj[1]) > 2100) {
    return rejected(raw, 'invalid_schuljahr', 'Schuljahr');
  }
  if (ctx.schuljahr && schuljahr !== ctx.schuljahr) return rejected(raw, 'schuljahr_mismatch', 'Schuljahr');

  const schulnummer = field(raw, 'Schulnummer');
  if (!/^\d{6}$/.test(schulnummer)) return rejected(raw, 'invalid_schulnummer', 'Schulnummer');
  if (!ctx.knownSchools.has(schulnummer)) return rejected(raw, 'unknown_schulnummer', 'Schulnummer');

  let jahrgang = field(raw, 'Jahrgang').toUpperCase();
  if (/^\d{1,2}$/.test(jahrgang)) jahrgang = jahrgang.padStart(2, '0');
  if (jahrgang === 'EF') jahrgang = 'E1';
  if (!/^(0[1-9]|1[0-3]|E1|Q1|Q2)$/.test(jahrgang)) return rejected(raw, 'invalid_jahrgang', 'Jahrgang');

  const geschlecht = GESCHLECHT[foldGerman(field(raw, 'Geschlecht'))];
  if (!geschlecht) return rejected(raw, 'invalid_geschlecht', 'Geschlecht');

  const nat = field(raw, 'Staatsangehoerigkeit').toUpperCase();
  if (nat && !/^[A-Z]{3}$/.test(nat)) return rejected(raw, 'invalid_staatsangehoerigkeit', 'Staatsangehoerigkeit');

  let lang = field(raw, 'Verkehrssprache').toLowerCase();
  if (LANG_1_TO_3[lang]) lang = LANG_1_TO_3[lang]!;
  if (lang && !/^[a-z]{3}$/.test(lang)) return rejected(raw, 'invalid_verkehrssprache', 'Verkehrssprache');

  const zuzugRaw = field(raw, 'Zuzugsjahr');
  let zuzugsjahr: number | null = null;
  if (zuzugRaw) {
    zuzugsjahr = Number(zuzugRaw);
    if (!/^\d{4}$/.test(zuzugRaw) || zuzugsjahr < 1950 || zuzugsjahr > Number(sj[1]) + 1)
      return rejected(raw, 'invalid_zuzugsjahr', 'Zuzugsjahr');
  }

  const foerder = field(raw, 'Foerderschwerpunkt').toUpperCase();
  if (foerder && !FOERDER.has(foerder)) return rejected(raw, 'invalid_foerderschwerpunkt', 'Foerderschwerpunkt');

  const anzahlRaw = field(raw, 'Anzahl');
  const anzahl = anzahlRaw === '' ? 1 : Number(anzahlRaw);
  if (!/^\d+$/.test(anzahlRaw || '1') || !Number.isSafeInteger(anzahl) || anzahl < 1) return rejected(raw, 'invalid_anzahl', 'Anzahl');

  return {
    ok: true,
    record: {
      schuljahr,
      schulnummer,
      jahrgang,
      geschlecht,
      staatsangehoerigkeit: nat,
      verkehrssprache: lang,
      zuzugsjahr,
      foerderschwerpunkt: foerder,
      wohnort: field(raw, 'Wohnort'),
      plz: field(raw, 'PLZ'),
      strasse: field(raw, 'Strasse'),
      hausnummer: field(raw, 'Hausnummer'),
      zusatz: field(raw, 'Hausnummernzusatz'),
      anzahl,
      status: field(raw, 'Status'),
      grundschulempfehlung: field(raw, 'Grundschulempfehlung'),
      lsSchulnummer: field(raw, 'LSSchulnummer'),
    },
  };
}

/** Does a Wohnort value mean the job's own municipality? Empty counts as yes (the usual case). */
export function isOwnMunicipality(wohnort: string, municipality: { name: string; ags: string }): boolean {
  const w = foldGerman(wohnort).replace(/[^a-z0-9]/g, '');
  if (w === '') return true;
  if (w === foldGerman(municipality.name).replace(/[^a-z0-9]/g, '')) return true;
  const ags = municipality.ags;
  return w === ags || w === ags.replace(/^0/, '') || w === `${ags}0000`;
}
