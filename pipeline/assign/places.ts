import type { Point } from '../geocode/gazetteer.ts';

/**
 * Where a record lies, as its area on every level (pure). The houses and streets
 * come assigned from PostGIS (assign.ts); here each geocoded record gets the areas
 * of its house, or of its street or candidates where the rules allow:
 *   house       the house's area on each level; a house on a shared border belongs
 *               to the area with the smaller id (one area, deterministically)
 *   street      (house number unknown) a level's area only where every address of
 *               the street lies in that one area
 *   candidates  (several near streets have the house) a level's area only where
 *               every candidate lies in exactly one area, the same for all
 * A level without an area leaves the record unassigned there (and counted as such).
 */

/** Areas per level, in the order of the levels; null: unassigned on that level. Interned: one object per distinct tuple. */
export interface Place {
  readonly id: number;
  readonly areas: readonly (string | null)[];
}

/** A gazetteer house as PostGIS assigned it, with its facts for the way to school. */
export interface HouseRow {
  x: number;
  y: number;
  /** Per level: the smallest id among the areas the house lies in, and how many those are (0: none). */
  area: readonly (string | null)[];
  hits: readonly number[];
  /** The house in metres (EPSG:25832) and its nearest Grundschulen (see facts.ts). */
  gx: number;
  gy: number;
  nearest: readonly string[];
}

export interface House {
  readonly place: Place;
  readonly gx: number;
  readonly gy: number;
  readonly nearest: readonly string[];
  /** Per level: the house's area when it lies in exactly one, else null (the rule for candidates). */
  readonly sole: readonly (string | null)[];
}

/** Per street key and level: the areas its addresses lie in (from staging.address_areas). */
export interface StreetAreaRow {
  streetKey: string;
  level: number;
  areaId: string;
}

export class Places {
  readonly #byKey = new Map<string, Place>();
  readonly #list: Place[] = [];
  readonly #houses = new Map<number, Map<number, House>>();
  readonly #streets = new Map<string, Place>();

  constructor(
    readonly levels: readonly string[],
    houses: Iterable<HouseRow>,
    streetAreas: Iterable<StreetAreaRow>,
  ) {
    for (const h of houses) {
      let byY = this.#houses.get(h.x);
      if (!byY) this.#houses.set(h.x, (byY = new Map()));
      byY.set(h.y, {
        place: this.place(h.area),
        gx: h.gx,
        gy: h.gy,
        nearest: h.nearest,
        sole: h.hits.map((n, i) => (n === 1 ? h.area[i]! : null)),
      });
    }
    const seen = new Map<string, (Set<string> | undefined)[]>();
    for (const s of streetAreas) {
      let perLevel = seen.get(s.streetKey);
      if (!perLevel) seen.set(s.streetKey, (perLevel = levels.map(() => undefined)));
      (perLevel[s.level] ??= new Set()).add(s.areaId);
    }
    for (const [key, perLevel] of seen) this.#streets.set(key, this.place(perLevel.map((set) => (set?.size === 1 ? [...set][0]! : null))));
  }

  /** The interned place of an area tuple. */
  place(areas: readonly (string | null)[]): Place {
    const key = areas.map((a) => (a === null ? '\u0001' : a)).join('\u0000');
    let p = this.#byKey.get(key);
    if (!p) {
      p = Object.freeze({ id: this.#list.length, areas: Object.freeze([...areas]) });
      this.#byKey.set(key, p);
      this.#list.push(p);
    }
    return p;
  }

  /** Every place handed out so far, by id. */
  get all(): readonly Place[] {
    return this.#list;
  }

  /** The house at a gazetteer point; undefined for a point that is not in the gazetteer. */
  house(p: Point): House | undefined {
    return this.#houses.get(p.x)?.get(p.y);
  }

  /** A street's place; a street without any address in an area is unassigned everywhere. */
  street(streetKey: string): Place {
    return this.#streets.get(streetKey) ?? this.place(this.levels.map(() => null));
  }

  /** The place of several candidate houses. Undefined when one of them is not in the gazetteer. */
  candidates(points: readonly Point[]): Place | undefined {
    const houses = points.map((p) => this.house(p));
    if (houses.some((h) => h === undefined)) return undefined;
    if (houses.length === 0) return this.place(this.levels.map(() => null));
    return this.place(
      this.levels.map((_, i) => {
        const first = houses[0]!.sole[i]!;
        return first !== null && houses.every((h) => h!.sole[i] === first) ? first : null;
      }),
    );
  }
}
