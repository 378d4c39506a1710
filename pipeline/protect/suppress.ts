/**
 * Statistical disclosure control (pure). Runs before publishing; the published
 * schema only ever receives its output.
 *
 * Primary: counts 1…k−1 are suppressed — numerators, denominators and the
 * complement (denominator − numerator), since publishing both numerator and
 * denominator publishes the complement. 0 may be published. Rates whose
 * denominator is below m are suppressed.
 * Secondary: within every parent area (the city for the coarsest level), the
 * children's numerators add up to at most the parent's; if the suppressed cells
 * of a group sum to less than k, one of them could be narrowed to an interval
 * narrower than k by subtraction, so further cells are suppressed, smallest first.
 */
export interface Disclosure {
  /** k: smallest count that may be published (counts 1…k−1 are suppressed). */
  minCount: number;
  /** m: smallest denominator for which a rate is published. */
  minDenominator: number;
}

export type SuppressionReason =
  'count_below_k' | 'numerator_below_k' | 'denominator_below_k' | 'complement_below_k' | 'denominator_below_m' | 'secondary';

export interface Cell {
  indicatorId: string;
  kind: 'count' | 'rate';
  level: string;
  areaId: string;
  /** Parent area id on the next coarser level; null for the coarsest level (parent: the city). */
  parentId: string | null;
  schuljahr: string;
  numerator: number;
  denominator: number | null;
  /** Factor applied to numerator/denominator for the value, e.g. 100 for percent. */
  scale: number;
}

export interface ProtectedCell {
  indicatorId: string;
  level: string;
  areaId: string;
  schuljahr: string;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  suppressed: boolean;
  reason: SuppressionReason | null;
}

const small = (n: number | null, k: number) => n !== null && n > 0 && n < k;

export function protect(cells: readonly Cell[], d: Disclosure): ProtectedCell[] {
  const k = d.minCount;
  const out: ProtectedCell[] = cells.map((c) => {
    const base = { indicatorId: c.indicatorId, level: c.level, areaId: c.areaId, schuljahr: c.schuljahr };
    if (c.kind === 'count') {
      if (small(c.numerator, k))
        return { ...base, numerator: null, denominator: null, value: null, suppressed: true, reason: 'count_below_k' };
      return { ...base, numerator: c.numerator, denominator: null, value: c.numerator, suppressed: false, reason: null };
    }
    const den = c.denominator ?? 0;
    if (small(den, k)) return { ...base, numerator: null, denominator: null, value: null, suppressed: true, reason: 'denominator_below_k' };
    const reason: SuppressionReason | null = small(c.numerator, k)
      ? 'numerator_below_k'
      : small(den - c.numerator, k)
        ? 'complement_below_k'
        : den > 0 && den < d.minDenominator
          ? 'denominator_below_m'
          : null;
    if (reason) return { ...base, numerator: null, denominator: den, value: null, suppressed: true, reason };
    return {
      ...base,
      numerator: c.numerator,
      denominator: den,
      value: den === 0 ? null : round((c.numerator / den) * c.scale),
      suppressed: false,
      reason: null,
    };
  });
  secondary(cells, out, k);
  return out;
}

/**
 * Secondary suppression, once for numerators and once for denominators (both add
 * up over the children of a parent). A cell counts as hidden for a field when
 * that field was withheld; hiding more cells withholds the field and the value.
 */
function secondary(cells: readonly Cell[], out: ProtectedCell[], k: number): void {
  const groups = new Map<string, number[]>();
  cells.forEach((c, i) => {
    const key = `${c.indicatorId}\u0000${c.schuljahr}\u0000${c.level}\u0000${c.parentId ?? ''}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  });
  // Hiding a denominator hides its numerator too, which can open a numerator group
  // again: repeat until nothing changes (each round hides at least one more cell).
  for (let changed = true; changed;) {
    changed = false;
    for (const field of ['numerator', 'denominator'] as const) {
      for (const members of groups.values()) {
        if (cells[members[0]!]![field] === null) continue; // a count has no denominator
        const hidden = members.filter((i) => out[i]![field] === null);
        if (hidden.length === 0) continue;
        let hiddenSum = hidden.reduce((s, i) => s + (cells[i]![field] ?? 0), 0);
        const candidates = members
          .filter((i) => out[i]![field] !== null)
          .sort((a, b) => (cells[a]![field] ?? 0) - (cells[b]![field] ?? 0) || cells[a]!.areaId.localeCompare(cells[b]!.areaId));
        // A single hidden cell is recovered exactly from parent − siblings; several hidden
        // cells summing to < k are narrowed below k. Hide more until neither holds.
        while ((hidden.length === 1 || hiddenSum < k) && candidates.length > 0) {
          const next = candidates.shift()!;
          const cell = out[next]!;
          out[next] = {
            ...cell,
            [field]: null,
            ...(field === 'denominator' ? { numerator: null } : {}),
            value: null,
            suppressed: true,
            reason: cell.reason ?? 'secondary',
          };
          hidden.push(next);
          hiddenSum += cells[next]![field] ?? 0;
          changed = true;
        }
      }
    }
  }
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
