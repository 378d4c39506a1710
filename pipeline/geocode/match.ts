import { numberKey, parseAddress, streetKey } from '../normalise/address.ts';
import type { Gazetteer, Point } from './gazetteer.ts';

/**
 * Geocoding in tiers, most certain first. Each result carries its quality so
 * analysts can see (and filter) how a record was placed. A street that the
 * gazetteer does not know is never guessed.
 */
export type Quality =
  | 'exact' // official spelling, house number and suffix as in the gazetteer
  | 'normalised' // same after German folding and Straße/Str. normalisation
  | 'without_suffix' // house number known, suffix not (12c where only 12 exists)
  | 'street'; // street known, house number not: placed only where the street lies in one area

export type MatchResult =
  | { status: 'matched'; quality: Exclude<Quality, 'street'>; point: Point; streetKey: string }
  | { status: 'street'; quality: 'street'; streetKey: string }
  | { status: 'unmatched'; reason: 'unknown_street' | 'no_street' };

export function matchAddress(g: Gazetteer, streetField: string, numberField: string, suffixField: string): MatchResult {
  const parsed = parseAddress(streetField, numberField, suffixField);
  if (!parsed.street) return { status: 'unmatched', reason: 'no_street' };
  const key = streetKey(parsed.street);
  const street = g.streets.get(key);
  if (!street) return { status: 'unmatched', reason: 'unknown_street' };
  const hn = parsed.houseNumber;
  if (!hn) return { status: 'street', quality: 'street', streetKey: key };
  const exactHit = street.houses.get(numberKey(hn));
  if (exactHit) {
    const exactSpelling = g.exactNames.get(parsed.street) === key && numberField.trim() !== '';
    return { status: 'matched', quality: exactSpelling ? 'exact' : 'normalised', point: exactHit, streetKey: key };
  }
  if (hn.suffix) {
    const plain = street.houses.get(String(hn.number));
    if (plain) return { status: 'matched', quality: 'without_suffix', point: plain, streetKey: key };
  }
  return { status: 'street', quality: 'street', streetKey: key };
}
