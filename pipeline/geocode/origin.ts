import { foldGerman } from '../normalise/address.ts';

/**
 * Where an Einpendler lives (pure). The Wohnort field holds a municipality name
 * or AGS, outside NRW a Bundesland or a country. NRW municipalities resolve to
 * their 8-digit AGS; other Länder to `land:<2-digit key>`; countries to `ausland`;
 * anything else to `unbekannt` (counted, never guessed).
 */
export interface Origin {
  id: string;
  kind: 'gemeinde' | 'land' | 'ausland' | 'unbekannt';
  name: string;
}

export interface Gemeinde {
  ags: string;
  name: string;
}

const LAENDER: [string, string, string[]][] = [
  ['01', 'Schleswig-Holstein', ['SH']],
  ['02', 'Hamburg', ['HH']],
  ['03', 'Niedersachsen', ['NI', 'NDS']],
  ['04', 'Bremen', ['HB']],
  ['05', 'Nordrhein-Westfalen', ['NW', 'NRW']],
  ['06', 'Hessen', ['HE']],
  ['07', 'Rheinland-Pfalz', ['RP', 'RLP']],
  ['08', 'Baden-Württemberg', ['BW']],
  ['09', 'Bayern', ['BY']],
  ['10', 'Saarland', ['SL']],
  ['11', 'Berlin', ['BE']],
  ['12', 'Brandenburg', ['BB']],
  ['13', 'Mecklenburg-Vorpommern', ['MV']],
  ['14', 'Sachsen', ['SN']],
  ['15', 'Sachsen-Anhalt', ['ST']],
  ['16', 'Thüringen', ['TH']],
];

/** Neighbouring and frequent countries by German name; ISO alpha-3 codes are recognised as such. */
const COUNTRIES = [
  'ausland',
  'niederlande',
  'belgien',
  'luxemburg',
  'frankreich',
  'polen',
  'oesterreich',
  'schweiz',
  'daenemark',
  'tschechien',
];

const key = (s: string) => foldGerman(s).replace(/[^a-z0-9]/g, '');

export class OriginResolver {
  private readonly byName = new Map<string, Origin>();
  private readonly byAgs = new Map<string, Origin>();

  constructor(gemeinden: readonly Gemeinde[]) {
    for (const g of gemeinden) {
      const o: Origin = { id: g.ags, kind: 'gemeinde', name: g.name };
      this.byAgs.set(g.ags, o);
      this.byName.set(key(g.name), o);
    }
    for (const [code, name, short] of LAENDER) {
      if (code === '05') continue; // an NRW record names its municipality
      const o: Origin = { id: `land:${code}`, kind: 'land', name };
      for (const n of [name, ...short]) this.byName.set(key(n), o);
    }
  }

  /** The origin with this id (for ids that `resolve` returned). */
  describe(id: string): Origin {
    const known = this.byAgs.get(id);
    if (known) return known;
    const land = LAENDER.find(([code]) => `land:${code}` === id);
    if (land) return { id, kind: 'land', name: land[1] };
    if (id === 'ausland') return { id, kind: 'ausland', name: 'Ausland' };
    return { id: 'unbekannt', kind: 'unbekannt', name: 'unbekannt' };
  }

  resolve(wohnort: string): Origin {
    const raw = wohnort.trim();
    const digits = raw.replace(/\s/g, '');
    if (/^\d{7,12}$/.test(digits)) {
      // 8-digit AGS, the same without its leading zero, or the 12-digit ARS.
      const ags = digits.length === 12 ? digits.slice(0, 5) + digits.slice(9) : digits.padStart(8, '0');
      const known = this.byAgs.get(ags);
      if (known) return known;
      const land = LAENDER.find(([code]) => code === ags.slice(0, 2));
      if (land && land[0] !== '05') return { id: `land:${land[0]}`, kind: 'land', name: land[1] };
      return { id: 'unbekannt', kind: 'unbekannt', name: 'unbekannt' };
    }
    const k = key(raw.replace(/^(stadt|gemeinde)\s+/i, ''));
    const known = this.byName.get(k);
    if (known) return known;
    if (COUNTRIES.includes(k) || (/^[A-Z]{3}$/.test(raw) && raw !== 'DEU')) return { id: 'ausland', kind: 'ausland', name: 'Ausland' };
    return { id: 'unbekannt', kind: 'unbekannt', name: 'unbekannt' };
  }
}
