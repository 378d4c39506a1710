import { numberKey, parseAddress, streetKey, stripPostcodeAndTown, type HouseNumber } from '../normalise/address.ts';
import { nearStreets } from './fuzzy.ts';
import type { Gazetteer, Point, StreetEntry } from './gazetteer.ts';

/**
 * Geocoding in tiers, most certain first. Each result carries its quality so
 * analysts can see (and filter) how a record was placed. A wrong Quartier is
 * worse than an unmatched record, so every uncertain step refuses rather than
 * guesses: a street that the gazetteer does not know is never guessed, and a
 * fuzzy street needs a unique nearest candidate that has the house number.
 */
export type Quality =
  | 'exact' // official spelling, house number and suffix as in the gazetteer
  | 'normalised' // same after normalisation, or a derived spelling (initials, "Straße" left out)
  | 'alias' // an old or colloquial name from the job's street aliases
  | 'fuzzy' // one or two typing errors, confirmed by the house number
  | 'without_suffix' // house number known, its suffix not (12c where only 12 exists)
  | 'ambiguous' // several near streets have the house: placed only on levels where all of them lie in one area
  | 'street'; // street known, house number not: placed only where the street lies in one area

export type UnmatchedReason = 'no_street' | 'unknown_street' | 'ambiguous_street';

export type MatchResult =
  | { status: 'matched'; quality: Exclude<Quality, 'street' | 'ambiguous'>; point: Point; streetKey: string }
  | { status: 'candidates'; quality: 'ambiguous'; points: Point[] }
  | { status: 'street'; quality: 'street'; streetKey: string }
  | { status: 'unmatched'; reason: UnmatchedReason };

export interface MatchOptions {
  /** Names of the municipality, removed when typed into the street field. */
  towns?: readonly string[];
  /** Memo for fuzzy candidates per key; pass one per run (keys repeat a lot). */
  cache?: Map<string, ReturnType<typeof nearStreets>>;
}

type StreetTier = 'exact' | 'normalised' | 'alias' | 'fuzzy';

function house(street: StreetEntry, hn: HouseNumber): { point: Point; withoutSuffix: boolean } | null {
  const hit = street.houses.get(numberKey(hn));
  if (hit) return { point: hit, withoutSuffix: false };
  if (hn.suffix) {
    const plain = street.houses.get(String(hn.number));
    if (plain) return { point: plain, withoutSuffix: true };
  }
  return null;
}

export function matchAddress(
  g: Gazetteer,
  streetField: string,
  numberField: string,
  suffixField: string,
  o: MatchOptions = {},
): MatchResult {
  const parsed = parseAddress(stripPostcodeAndTown(streetField, o.towns ?? []), numberField, suffixField);
  if (!parsed.street) return { status: 'unmatched', reason: 'no_street' };
  const key = streetKey(parsed.street);
  if (!key) return { status: 'unmatched', reason: 'no_street' };
  const hn = parsed.houseNumber;

  let resolved: { key: string; tier: StreetTier } | null = null;
  if (g.streets.has(key)) {
    const exact = g.exactNames.get(parsed.street) === key && numberField.trim() !== '';
    resolved = { key, tier: exact ? 'exact' : 'normalised' };
  } else if (g.aliases.has(key)) {
    resolved = { key: g.aliases.get(key)!, tier: 'alias' };
  } else if (g.variants.get(key)?.size === 1) {
    resolved = { key: [...g.variants.get(key)!][0]!, tier: 'normalised' };
  }

  if (!resolved) {
    const candidates = o.cache?.get(key) ?? nearStreets(key, g.keys);
    o.cache?.set(key, candidates);
    if (candidates.length === 0) return { status: 'unmatched', reason: 'unknown_street' };
    // The nearest candidates must include exactly one street that has the house
    // number: a typing error is accepted only when the rest of the address confirms
    // it. A one-edit match must be the only one-edit street with that house; a
    // two-edit match must be the only street with that house within reach at all.
    const nearest = candidates[0]!.distance;
    const withHouse = hn
      ? candidates.flatMap((c) => {
          const found = house(g.streets.get(c.key)!, hn);
          return found ? [{ ...c, found }] : [];
        })
      : [];
    const best = withHouse[0];
    const margin = best?.distance === 1 ? 0 : 1;
    if (!best || best.distance !== nearest) return { status: 'unmatched', reason: 'ambiguous_street' };
    const rivals = withHouse.filter((c) => c.distance <= best.distance + margin);
    if (rivals.length > 1) {
      // Not one reading but a few: the record counts only where all of them agree.
      return { status: 'candidates', quality: 'ambiguous', points: rivals.map((c) => c.found.point) };
    }
    return {
      status: 'matched',
      quality: best.found.withoutSuffix ? 'without_suffix' : 'fuzzy',
      point: best.found.point,
      streetKey: best.key,
    };
  }

  if (!hn) return { status: 'street', quality: 'street', streetKey: resolved.key };
  const found = house(g.streets.get(resolved.key)!, hn);
  if (!found) return { status: 'street', quality: 'street', streetKey: resolved.key };
  return {
    status: 'matched',
    quality: found.withoutSuffix ? 'without_suffix' : resolved.tier,
    point: found.point,
    streetKey: resolved.key,
  };
}
