import type { House, Place } from '../assign/places.ts';
import type { CountRow } from '../protect/table.ts';
import { addDerivedSums, measureOf, SCHULWEG_BINS } from './measures.ts';

/** Level name of the Einpendler origins (NRW Gemeinden, other Länder, abroad) in the count table. */
export const ORIGIN_LEVEL = '@herkunft';
/** Level name of the per-school totals in the count table. */
export const SCHOOL_LEVEL = '@schule';

/** Schulform keys (MSB NRW) that the counts single out. */
export const GRUNDSCHULE = '02';
const GYMNASIUM = '20';
const SEK1 = new Set(['05', '06', '07', '08', '09', '10']);
const PRIMARY = new Set(['01', '02', '03', '04']);

/** A school as the counts see it: its Schulform and where it lies (see facts.ts). */
export interface SchoolFacts {
  schulnummer: string;
  schulform: string;
  /** The school in metres (EPSG:25832). */
  gx: number;
  gy: number;
  /** Its area on the local level; null when it lies in none. */
  localArea: string | null;
  /** Whether it lies in the city (an area of the coarsest level). */
  inCity: boolean;
}

/** The fields of a valid record that the counts use (a PupilRecord has them). */
export interface TallyRecord {
  schuljahr: string;
  schulnummer: string;
  jahrgang: string;
  geschlecht: string;
  verkehrssprache: string;
  staatsangehoerigkeit: string;
  zuzugsjahr: number | null;
  foerderschwerpunkt: string;
  anzahl: number;
}

export interface TallyOptions {
  /** Boundary levels, coarse to fine: the order of a Place's areas. */
  levels: readonly string[];
  /** Index in `levels` of the local level, the pupil's "own area" for schulort (e.g. Stadtteil). */
  localLevel: number;
  schools: readonly SchoolFacts[];
}

interface SchoolCounts {
  facts: SchoolFacts;
  school: number; // measure ids
  schulform: number;
  sek1: number;
  grundschule: boolean;
  /** All its pupils in valid records, by Schuljahr index. */
  totals: number[];
}

const bump = (counts: number[], id: number, n: number) => {
  counts[id] = (counts[id] ?? 0) + n;
};

/**
 * Counts first, in one pass over the records as they are read (pure; state in the
 * object). Each resident record adds its Anzahl to its unit (its Place × Schuljahr)
 * in `pupils` and in one category of every column it counts in; the units are summed
 * into areas per level at the end (a few hundred places, not a million records).
 * Every column, and when a record does not count in it:
 *   jahrgang, schulform, geschlecht (w, m, divers), familiensprache and
 *   staatsangehoerigkeit (nicht_deutsch, deutsch_oder_ohne_angabe), zuzug
 *   (letzte_3_jahre: moved in the Schuljahr's first year or the two before; sonst),
 *   foerderschwerpunkt (the code or ohne), sek1 (gymnasium / andere; Jahrgang 5–10
 *   only), schulort (im_gebiet, anderes_gebiet, ausserhalb_stadt, unbekannt when the
 *   home is unassigned on the local level), schulweg (straight-line bins; unbekannt
 *   without a house), grundschulwahl (naechste_3, andere, unbekannt without a house;
 *   Jahrgang 1–4 at a Grundschule only), and the flow to the school (school:<nr>).
 * Einpendler count per origin (pupils and their flows to each school); every valid
 * record counts in its school's total.
 */
export class Tally {
  readonly #o: TallyOptions;
  readonly #ids = new Map<string, number>();
  readonly #measures: string[] = [];
  readonly #schuljahre = new Map<string, { index: number; year: number }>();
  readonly #schools = new Map<string, SchoolCounts>();
  readonly #jahrgang = new Map<string, number>();
  readonly #foerder = new Map<string, number>();
  /** [place id][Schuljahr index] → counts by measure id. */
  readonly #units: (number[] | undefined)[][] = [];
  readonly #places: Place[] = [];
  readonly #rowsPerPlace: number[] = [];
  readonly #origins = new Map<string, Map<string, number>>();
  readonly #m: Record<
    | 'pupils'
    | 'w'
    | 'm'
    | 'divers'
    | 'famNd'
    | 'famD'
    | 'natNd'
    | 'natD'
    | 'zuzugNeu'
    | 'zuzugSonst'
    | 'imGebiet'
    | 'anderesGebiet'
    | 'ausserhalb'
    | 'schulortUnbekannt'
    | 'wegUnbekannt'
    | 'naechste'
    | 'andere'
    | 'wahlUnbekannt',
    number
  >;
  readonly #bins: { upTo: number; id: number }[];
  readonly #lastBin: number;

  constructor(options: TallyOptions) {
    this.#o = options;
    const id = (column: string, value: string) => this.#id(measureOf(column, value));
    this.#m = {
      pupils: this.#id('pupils'),
      w: id('geschlecht', 'w'),
      m: id('geschlecht', 'm'),
      divers: id('geschlecht', 'divers'),
      famNd: id('familiensprache', 'nicht_deutsch'),
      famD: id('familiensprache', 'deutsch_oder_ohne_angabe'),
      natNd: id('staatsangehoerigkeit', 'nicht_deutsch'),
      natD: id('staatsangehoerigkeit', 'deutsch_oder_ohne_angabe'),
      zuzugNeu: id('zuzug', 'letzte_3_jahre'),
      zuzugSonst: id('zuzug', 'sonst'),
      imGebiet: id('schulort', 'im_gebiet'),
      anderesGebiet: id('schulort', 'anderes_gebiet'),
      ausserhalb: id('schulort', 'ausserhalb_stadt'),
      schulortUnbekannt: id('schulort', 'unbekannt'),
      wegUnbekannt: id('schulweg', 'unbekannt'),
      naechste: id('grundschulwahl', 'naechste_3'),
      andere: id('grundschulwahl', 'andere'),
      wahlUnbekannt: id('grundschulwahl', 'unbekannt'),
    };
    this.#bins = SCHULWEG_BINS.flatMap((b) => (b.upTo === null ? [] : [{ upTo: b.upTo, id: id('schulweg', b.id) }]));
    this.#lastBin = id('schulweg', SCHULWEG_BINS.find((b) => b.upTo === null)!.id);
    for (const s of options.schools)
      this.#schools.set(s.schulnummer, {
        facts: s,
        school: id('schulnummer', s.schulnummer),
        schulform: id('schulform', s.schulform),
        sek1: id('sek1', s.schulform === GYMNASIUM ? 'gymnasium' : 'andere'),
        grundschule: s.schulform === GRUNDSCHULE,
        totals: [],
      });
  }

  /** A record resident in the city and assigned (any quality): `house` only for house-level records. */
  resident(r: TallyRecord, place: Place, house: House | null): void {
    const sj = this.#schuljahr(r.schuljahr);
    const s = this.#school(r, sj.index);
    const n = r.anzahl;
    let byYear = this.#units[place.id];
    if (!byYear) {
      this.#units[place.id] = byYear = [];
      this.#places[place.id] = place;
      this.#rowsPerPlace[place.id] = 0;
    }
    this.#rowsPerPlace[place.id]!++;
    const u = (byYear[sj.index] ??= []);
    const m = this.#m;
    const jahrgang = r.jahrgang;

    bump(u, m.pupils, n);
    bump(u, this.#value(this.#jahrgang, 'jahrgang', jahrgang), n);
    bump(u, s.schulform, n);
    bump(u, r.geschlecht === 'w' ? m.w : r.geschlecht === 'm' ? m.m : m.divers, n);
    bump(u, r.verkehrssprache !== '' && r.verkehrssprache !== 'deu' ? m.famNd : m.famD, n);
    bump(u, r.staatsangehoerigkeit !== '' && r.staatsangehoerigkeit !== 'DEU' ? m.natNd : m.natD, n);
    bump(u, r.zuzugsjahr !== null && r.zuzugsjahr >= sj.year - 2 ? m.zuzugNeu : m.zuzugSonst, n);
    bump(u, this.#value(this.#foerder, 'foerderschwerpunkt', r.foerderschwerpunkt || 'ohne'), n);
    if (SEK1.has(jahrgang)) bump(u, s.sek1, n);
    const home = place.areas[this.#o.localLevel];
    const f = s.facts;
    bump(u, !f.inCity ? m.ausserhalb : home === null ? m.schulortUnbekannt : home === f.localArea ? m.imGebiet : m.anderesGebiet, n);
    if (house === null) bump(u, m.wegUnbekannt, n);
    else {
      // Plain arithmetic: both points are in metres (EPSG:25832).
      const dist = Math.sqrt((house.gx - f.gx) * (house.gx - f.gx) + (house.gy - f.gy) * (house.gy - f.gy));
      let bin = this.#lastBin;
      for (const b of this.#bins)
        if (dist < b.upTo) {
          bin = b.id;
          break;
        }
      bump(u, bin, n);
    }
    if (s.grundschule && PRIMARY.has(jahrgang))
      bump(u, house === null ? m.wahlUnbekannt : house.nearest.includes(r.schulnummer) ? m.naechste : m.andere, n);
    bump(u, s.school, n);
  }

  /** An Einpendler from `origin` (an AGS, land:<key>, ausland or unbekannt). */
  einpendler(r: TallyRecord, origin: string): void {
    this.#school(r, this.#schuljahr(r.schuljahr).index);
    let counts = this.#origins.get(`${origin}\u0000${r.schuljahr}`);
    if (!counts) this.#origins.set(`${origin}\u0000${r.schuljahr}`, (counts = new Map()));
    counts.set('pupils', (counts.get('pupils') ?? 0) + r.anzahl);
    const flow = `school:${r.schulnummer}`;
    counts.set(flow, (counts.get(flow) ?? 0) + r.anzahl);
  }

  /** A valid record in the city that is not assigned (unmatched): it counts in its school's total only. */
  unplaced(r: TallyRecord): void {
    this.#school(r, this.#schuljahr(r.schuljahr).index);
  }

  /**
   * The count table's rows: per level × area × Schuljahr every measure with records
   * (and the derived sums), per origin the Einpendler, per school its total.
   */
  rows(): CountRow[] {
    const { levels } = this.#o;
    const areas = new Map<string, { level: string; areaId: string; schuljahr: string; counts: Map<string, number> }>();
    const schuljahre = [...this.#schuljahre.keys()];
    for (const [placeId, byYear] of this.#units.entries()) {
      if (!byYear) continue;
      const place = this.#places[placeId]!;
      for (const [sj, u] of byYear.entries()) {
        if (!u) continue;
        const schuljahr = schuljahre[sj]!;
        for (const [li, areaId] of place.areas.entries()) {
          if (areaId === null) continue; // unassigned on this level
          const key = `${li}\u0000${areaId}\u0000${schuljahr}`;
          let unit = areas.get(key);
          if (!unit) areas.set(key, (unit = { level: levels[li]!, areaId, schuljahr, counts: new Map() }));
          for (const [id, n] of u.entries()) if (n) unit.counts.set(this.#measures[id]!, (unit.counts.get(this.#measures[id]!) ?? 0) + n);
        }
      }
    }
    const out: CountRow[] = [];
    for (const u of areas.values()) {
      addDerivedSums(u.counts);
      for (const [measure, count] of u.counts) out.push({ level: u.level, areaId: u.areaId, schuljahr: u.schuljahr, measure, count });
    }
    for (const [key, counts] of this.#origins) {
      const [areaId, schuljahr] = key.split('\u0000') as [string, string];
      for (const [measure, count] of counts) out.push({ level: ORIGIN_LEVEL, areaId, schuljahr, measure, count });
    }
    for (const s of this.#schools.values())
      for (const [sj, count] of s.totals.entries())
        if (count) out.push({ level: SCHOOL_LEVEL, areaId: s.facts.schulnummer, schuljahr: schuljahre[sj]!, measure: 'pupils', count });
    return out;
  }

  /** Resident records (rows) that stayed unassigned, per level. */
  unassigned(): Record<string, number> {
    const out = Object.fromEntries(this.#o.levels.map((l) => [l, 0]));
    for (const [id, rows] of this.#rowsPerPlace.entries()) {
      if (rows === undefined) continue;
      for (const [li, areaId] of this.#places[id]!.areas.entries()) if (areaId === null) out[this.#o.levels[li]!]! += rows;
    }
    return out;
  }

  #id(measure: string): number {
    let id = this.#ids.get(measure);
    if (id === undefined) {
      id = this.#measures.length;
      this.#ids.set(measure, id);
      this.#measures.push(measure);
    }
    return id;
  }

  #value(memo: Map<string, number>, column: string, value: string): number {
    let id = memo.get(value);
    if (id === undefined) memo.set(value, (id = this.#id(measureOf(column, value))));
    return id;
  }

  #schuljahr(schuljahr: string): { index: number; year: number } {
    let sj = this.#schuljahre.get(schuljahr);
    if (!sj) this.#schuljahre.set(schuljahr, (sj = { index: this.#schuljahre.size, year: Number(schuljahr.slice(0, 4)) }));
    return sj;
  }

  /** The record's school, with the record added to its total in the Schuljahr. */
  #school(r: TallyRecord, schuljahr: number): SchoolCounts {
    const s = this.#schools.get(r.schulnummer);
    // Validation admits known schools only: anything else is a bug, not data.
    if (!s) throw new Error(`tally: school ${r.schulnummer} is not among the schools`);
    bump(s.totals, schuljahr, r.anzahl);
    return s;
  }
}
