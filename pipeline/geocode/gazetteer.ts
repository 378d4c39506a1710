import { numberKey, parseHouseNumber, streetKey } from '../normalise/address.ts';

/**
 * The gazetteer of official house coordinates as an in-memory index:
 * street key → house-number key → point. Pure; built from plain entries.
 */
export interface GazetteerEntry {
  street: string;
  number: string;
  suffix: string;
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
  size: number;
  /** Entries without a house number (street-level points), counted, not indexed. */
  withoutNumber: number;
}

export function buildGazetteer(entries: Iterable<GazetteerEntry>): Gazetteer {
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
  return { streets, exactNames, size, withoutNumber };
}
