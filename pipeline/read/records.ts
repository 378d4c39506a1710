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

/** A field's check as a function of its (trimmed) value alone; null means invalid. */
interface Check<T> {
  /** Index of its map in a ValidationMemo. */
  id: number;
  run: (v: string) => T;
}
const CHECKS: Check<unknown>[] = [];
function check<T>(run: (v: string) => T): Check<T> {
  const c = { id: CHECKS.length, run };
  CHECKS.push(c);
  return c;
}

/** The Schuljahr (the checked string itself, so a memo hands out one instance per value) and its first year. */
const SCHULJAHR = check((v) => {
  const sj = /^(\d{4})\/(\d{2})$/.exec(v);
  const year = sj ? Number(sj[1]) : NaN;
  return !sj || (year + 1) % 100 !== Number(sj[2]) || year < 1990 || year > 2100 ? null : { schuljahr: v, year };
});
const SCHULNUMMER = check((v) => (/^\d{6}$/.test(v) ? v : null));
const JAHRGANG = check((v) => {
  let j = v.toUpperCase();
  if (/^\d{1,2}$/.test(j)) j = j.padStart(2, '0');
  if (j === 'EF') j = 'E1';
  return /^(0[1-9]|1[0-3]|E1|Q1|Q2)$/.test(j) ? j : null;
});
const GESCHLECHT_CODE = check((v): PupilRecord['geschlecht'] | null => {
  const k = foldGerman(v);
  return Object.hasOwn(GESCHLECHT, k) ? GESCHLECHT[k]! : null; // hasOwn: "constructor" is no code
});
const NAT = check((v) => {
  const n = v.toUpperCase();
  return n === '' || /^[A-Z]{3}$/.test(n) ? n : null;
});
const LANG = check((v) => {
  let l = v.toLowerCase();
  if (Object.hasOwn(LANG_1_TO_3, l)) l = LANG_1_TO_3[l]!;
  return l === '' || /^[a-z]{3}$/.test(l) ? l : null;
});
/** '' when absent, else the year if it has four digits (its range depends on the Schuljahr: checked by the caller). */
const ZUZUG = check((v): number | '' | null => (v === '' ? '' : /^\d{4}$/.test(v) ? Number(v) : null));
const FOERDER_CODE = check((v) => {
  const f = v.toUpperCase();
  return f === '' || FOERDER.has(f) ? f : null;
});
const ANZAHL = check((v) => {
  const n = v === '' ? 1 : Number(v);
  return /^\d+$/.test(v || '1') && Number.isSafeInteger(n) && n >= 1 ? n : null;
});

/**
 * The checks' results remembered per distinct value, one map per field: a file
 * repeats few values in each of these fields, so a million records need a few
 * hundred checks. Owned by the caller (one per run); results are the same with
 * or without it. A field with more distinct values than `limit` is checked anew.
 */
export class ValidationMemo {
  private readonly maps = CHECKS.map(() => new Map<string, unknown>());
  constructor(private readonly limit = 10_000) {}

  get<T>(c: Check<T>, v: string): T {
    const m = this.maps[c.id]!;
    const hit = m.get(v); // a check never returns undefined
    if (hit !== undefined) return hit as T;
    const r = c.run(v);
    if (m.size < this.limit) m.set(v, r);
    return r;
  }
}

/** Every check anew: what a memo gives, without remembering. */
const DIRECT = { get: <T>(c: Check<T>, v: string): T => c.run(v) };

export function validateRecord(raw: RawRecord, ctx: ValidationContext, memo?: ValidationMemo): Validation {
  // No field of a real record comes near this; a longer one is a broken export, and
  // matching it against every street name would take minutes (edit distance).
  for (const k in raw) {
    if (raw[k]!.length > MAX_FIELD_LENGTH)
      return { ok: false, reason: 'field_too_long', column: k, value: raw[k]!.slice(0, MAX_FIELD_LENGTH) };
  }
  const checks: Pick<ValidationMemo, 'get'> = memo ?? DIRECT;

  let given = field(raw, 'Schuljahr');
  if (!given && ctx.schuljahr) given = ctx.schuljahr;
  const sj = checks.get(SCHULJAHR, given);
  if (sj === null) return rejected(raw, 'invalid_schuljahr', 'Schuljahr');
  const { schuljahr, year } = sj;
  if (ctx.schuljahr && schuljahr !== ctx.schuljahr) return rejected(raw, 'schuljahr_mismatch', 'Schuljahr');

  const schulnummer = checks.get(SCHULNUMMER, field(raw, 'Schulnummer'));
  if (schulnummer === null) return rejected(raw, 'invalid_schulnummer', 'Schulnummer');
  if (!ctx.knownSchools.has(schulnummer)) return rejected(raw, 'unknown_schulnummer', 'Schulnummer');

  const jahrgang = checks.get(JAHRGANG, field(raw, 'Jahrgang'));
  if (jahrgang === null) return rejected(raw, 'invalid_jahrgang', 'Jahrgang');

  const geschlecht = checks.get(GESCHLECHT_CODE, field(raw, 'Geschlecht'));
  if (geschlecht === null) return rejected(raw, 'invalid_geschlecht', 'Geschlecht');

  const nat = checks.get(NAT, field(raw, 'Staatsangehoerigkeit'));
  if (nat === null) return rejected(raw, 'invalid_staatsangehoerigkeit', 'Staatsangehoerigkeit');

  const lang = checks.get(LANG, field(raw, 'Verkehrssprache'));
  if (lang === null) return rejected(raw, 'invalid_verkehrssprache', 'Verkehrssprache');

  const zuzug = checks.get(ZUZUG, field(raw, 'Zuzugsjahr'));
  if (zuzug === null || (zuzug !== '' && (zuzug < 1950 || zuzug > year + 1))) return rejected(raw, 'invalid_zuzugsjahr', 'Zuzugsjahr');

  const foerder = checks.get(FOERDER_CODE, field(raw, 'Foerderschwerpunkt'));
  if (foerder === null) return rejected(raw, 'invalid_foerderschwerpunkt', 'Foerderschwerpunkt');

  const anzahl = checks.get(ANZAHL, field(raw, 'Anzahl'));
  if (anzahl === null) return rejected(raw, 'invalid_anzahl', 'Anzahl');

  return {
    ok: true,
    record: {
      schuljahr,
      schulnummer,
      jahrgang,
      geschlecht,
      staatsangehoerigkeit: nat,
      verkehrssprache: lang,
      zuzugsjahr: zuzug === '' ? null : zuzug,
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
