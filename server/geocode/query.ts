import { foldGerman, streetKey } from '../../pipeline/normalise/address.ts';

/**
 * Parses what someone types into an address search box (pure):
 * "Lindenstr 12a", "lindenstra", "Am Wald 3, 45127 Essen", "Hauptstraße 5 Musterstadt".
 * Street names are matched by prefix on the same normalised key the pipeline
 * uses for geocoding, so "Lindenstraße", "Lindenstr." and "lindenstr" all agree.
 */
export interface AddressQuery {
  /** Prefix of the normalised street key. */
  key: string;
  /** Prefix of the German-folded spelling (for inputs that stop inside a word). */
  fold: string;
  /** House number with suffix as typed, lower case ("12a"); null when none was typed. */
  houseNumber: string | null;
  postcode: string | null;
  /** Prefix of the municipality, folded; null when none was typed. */
  town: string | null;
}

export function parseAddressQuery(q: string): AddressQuery | null {
  let text = q.replace(/\s+/g, ' ').trim();
  let postcode: string | null = null;
  const pc = /\b(\d{5})\b/.exec(text);
  if (pc) {
    postcode = pc[1]!;
    text = (text.slice(0, pc.index) + text.slice(pc.index + 5)).trim();
  }
  const [first = '', ...rest] = text.split(',').map((s) => s.trim());
  let street = first;
  let houseNumber: string | null = null;
  let town = rest.filter(Boolean).join(' ');
  // "Lindenstr 12a", "Lindenstr. 12 a", "Lindenstr 12-14" (a range counts from its first number), "Lindenstr 12 Musterstadt"
  const m = /^(.*?\D)\s*(\d{1,5})\s*([a-z](?![a-zäöüß]))?(?:\s*[-/]\s*\d+[a-z]?)?(?:\s+(.+))?$/i.exec(first);
  if (m && m[1]!.trim().length > 0) {
    street = m[1]!.trim();
    houseNumber = `${m[2]}${(m[3] ?? '').toLowerCase()}`;
    if (m[4]) town = [m[4], town].filter(Boolean).join(' ');
  }
  const fold = foldGerman(street).trim();
  // "lindenstra", "lindenstras…" are on the way to "-straße": compare them as "-str".
  const key = streetKey(street).replace(/stra(s{1,2}e?)?$/, 'str');
  if (key.length < 2 && fold.replace(/[^\p{L}\p{N}]/gu, '').length < 2) return null;
  return { key, fold, houseNumber, postcode, town: town ? foldGerman(town).trim() : null };
}

/** Escapes LIKE wildcards in user input. */
export const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
