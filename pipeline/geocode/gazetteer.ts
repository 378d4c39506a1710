import { foldGerman, numberKey, parseHouseNumber, streetKey } from '../normalise/address.ts';

/**
 * The gazetteer of official house coordinates as an in-memory index (pure):
 * street key → house-number key → point, plus the derived spellings that school
 * files use for a street, and the keys for the fuzzy tier.
 */
export interface GazetteerEntry {
  street: string;
  number: string;
  suffix: string;
  /** Optional columns of the gazetteer; published for address search, not used for matching. */
  postcode?: string;
  municipality?: string;
  x: number;
  y: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface StreetEntry {
  /** The official spelling, as given by the first entry for this key. */
  name: string;
  houses: Map<string, Point>;
}

export interface Gazetteer {
  streets: Map<string, StreetEntry>;
  /** Exact official spelling → street key, for the "exact" quality tier. */
  exactNames: Map<string, string>;
  /**
   * Spellings derived from the official names → street keys: first names reduced
   * to initials ("A.-Schweitzer-Str." → albertschweitzerstr) and "Straße" left out
   * ("Linden" → lindenstr). Only used when they name exactly one street.
   */
  variants: Map<string, Set<string>>;
  /** Old or colloquial names (job `streetAliases`) → street key. */
  aliases: Map<string, string>;
  /** All street keys, for the fuzzy tier. */
  keys: string[];
  size: number;
  /** Entries without a house number (street-level points), counted, not indexed. */
  withoutNumber: number;
}

export function buildGazetteer(entries: Iterable<GazetteerEntry>, aliases: ReadonlyMap<string, string> = new Map()): Gazetteer {
  const streets = new Map<string, StreetEntry>();
  const exactNames = new Map<string, string>();
  let size = 0;
  let withoutNumber = 0;
  for (const e of entries) {
    const key = streetKey(e.street);
    if (!key) continue;
    let entry = streets.get(key);
    if (!entry) {
      entry = { name: e.street.trim(), houses: new Map() };
      streets.set(key, entry);
    }
    exactNames.set(e.street.trim(), key);
    const hn = parseHouseNumber(e.number, e.suffix);
    if (!hn) {
      withoutNumber++;
      continue;
    }
    const nk = numberKey(hn);
    if (!entry.houses.has(nk)) {
      entry.houses.set(nk, { x: e.x, y: e.y });
      size++;
    }
  }
  const variants = new Map<string, Set<string>>();
  const add = (variant: string, key: string) => {
    if (!variant || variant === key || streets.has(variant)) return;
    let set = variants.get(variant);
    if (!set) variants.set(variant, (set = new Set()));
    set.add(key);
  };
  for (const [key, entry] of streets) {
    for (const v of derivedSpellings(entry.name)) add(v, key);
  }
  return { streets, exactNames, variants, aliases: new Map(aliases), keys: [...streets.keys()], size, withoutNumber };
}

/** Keys of the spellings derived from an official street name. */
export function derivedSpellings(name: string): string[] {
  const out: string[] = [];
  const key = streetKey(name);
  if (key.endsWith('str') && key.length > 6) out.push(key.slice(0, -3));
  const tokens = foldGerman(name)
    .split(/[\s\-.]+/)
    .filter(Boolean);
  // "Albert-Schweitzer-Str." → a schweitzer str; "Bischof-Franz-Wolf-Str." → b franz wolf str, b f wolf str
  for (let k = 1; k <= tokens.length - 2; k++) {
    const v = streetKey([...tokens.slice(0, k).map((t) => t[0]), ...tokens.slice(k)].join(' '));
    out.push(v);
    if (v.endsWith('str') && v.length > 6) out.push(v.slice(0, -3));
  }
  return out;
}
