/**
 * German address normalisation, applied symmetrically to the gazetteer and to
 * the records: what compares equal here is the same street.
 *
 * Folding is German, not `unaccent`: ä→ae, ö→oe, ü→ue, ß→ss (so "Müller" and
 * "Mueller" meet), other accents are dropped (é→e). Every spelling of "Straße"
 * becomes "str"; spaces, hyphens and dots vanish, so "Albert-Schweitzer-Straße",
 * "Albert Schweitzer Str." and "albert-schweitzer-strasse" share one key.
 */
const NON_ASCII = /[^\x00-\x7f]/;

export function foldGerman(s: string): string {
  // Most values are plain ASCII, for which folding is lower-casing (NFKD changes no ASCII character).
  if (!NON_ASCII.test(s)) return s.toLowerCase();
  return s
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
}

export function streetKey(street: string): string {
  return foldGerman(street)
    .replace(/\b(doktor)\b/g, 'dr')
    .replace(/\b(professor)\b/g, 'prof')
    .replace(/(strasse|strase|str\.?)(?=$|[\s-])/g, 'str')
    .replace(/[^a-z0-9]/g, '');
}

export interface HouseNumber {
  number: number;
  /** Lower-case letter or fraction suffix, '' when none: 12a, 12 A, 12-a → 'a'. */
  suffix: string;
  /** Upper end of a range such as 12-14, else undefined. */
  to?: number;
}

/** Parses "12", "12a", "12 A", "12-a", "12/1", "12-14". Returns null when there is no number. */
export function parseHouseNumber(raw: string, suffixField = ''): HouseNumber | null {
  const s = raw.trim().toLowerCase();
  const m = /^(\d{1,5})\s*(?:-\s*(\d{1,5})(?!\d)|[-\s]*([a-z])\b|\s*(\/\s*\d{1,3}))?\s*([a-z])?$/.exec(s);
  if (!m) return null;
  const number = Number(m[1]);
  const to = m[2] ? Number(m[2]) : undefined;
  let suffix = (m[3] ?? m[4]?.replace(/\s/g, '') ?? m[5] ?? '').toLowerCase();
  const extra = suffixField
    .trim()
    .toLowerCase()
    .replace(/^[-\s]+/, '');
  if (!suffix && extra) suffix = extra;
  if (to !== undefined && to <= number) return { number, suffix };
  return to !== undefined ? { number, suffix, to } : { number, suffix };
}

export interface ParsedAddress {
  street: string;
  houseNumber: HouseNumber | null;
}

/**
 * Splits a street field that carries the number ("Lindenstr. 12a") when the
 * number field is empty; otherwise parses the number field.
 */
export function parseAddress(streetField: string, numberField: string, suffixField = ''): ParsedAddress {
  const street = streetField.trim().replace(/\s+/g, ' ');
  if (numberField.trim() !== '') return { street, houseNumber: parseHouseNumber(numberField, suffixField) };
  const m = /^(.*?\D)\s*(\d{1,5}(?:\s*-\s*\d{1,5}|\s*[-\s]?[a-zA-Z]|\s*\/\s*\d{1,3})?)\s*$/.exec(street);
  if (m && m[1]!.trim().length >= 2) {
    return { street: m[1]!.trim(), houseNumber: parseHouseNumber(m[2]!, suffixField) };
  }
  return { street, houseNumber: null };
}

export function numberKey(n: HouseNumber): string {
  return `${n.number}${n.suffix}`;
}

/**
 * Removes a postcode and town typed into the street field: "Lindenstr. 12, 45127
 * Essen" → "Lindenstr. 12"; "Lindenstr. 12 Essen" → "Lindenstr. 12" when Essen is
 * one of `towns`.
 */
export function stripPostcodeAndTown(street: string, towns: readonly string[]): string {
  let s = street.replace(/[,\s]*\b\d{5}\b(\s+[^\d,]+)?\s*$/, '');
  for (const town of towns) {
    const t = foldGerman(town).trim();
    // Compare folded tails, cut the original: folding changes lengths (ü → ue).
    for (let i = s.length - 1; i > 0; i--) {
      const tail = foldGerman(s.slice(i));
      if (/^[,\s]/.test(tail) && tail.replace(/^[,\s]+/, '').trim() === t) {
        s = s.slice(0, i);
        break;
      }
    }
  }
  return s.replace(/[,;\s]+$/, '');
}
