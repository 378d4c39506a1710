/**
 * Statistical disclosure control (pure). Runs before publishing; the published
 * schema only ever receives its output.
 *
 * Everything published about pupils derives from count cells (pupils per area ×
 * Schuljahr × measure, flows per school × area, Einpendler per origin × school).
 * Cells are linked by additive groups: the categories of a dimension add up to
 * the area's total, the children of an area add up to the area, a rate's
 * numerator and complement add up to its denominator. Suppression works on the
 * cells, so a rate, a breakdown, a catchment and an export can never disagree.
 *
 * Primary: counts 1…k−1 are hidden (0 may be published).
 * Secondary: in every group that has a hidden cell, at least two cells are hidden
 * and the hidden cells add up to at least k, so subtraction within the group
 * neither recovers a hidden cell nor narrows it to fewer than k possibilities.
 * Further cells are hidden smallest first, and groups are revisited until nothing
 * changes. Zeros are always published and never hidden to protect others: a zero
 * adds nothing to the hidden sum, and hiding zeros cascades through every level
 * (measured on the demo: the whole city's pupil count ended up hidden). A group
 * whose non-zero cells are all hidden and still sum to less than k stays so: no
 * cell of it can be recovered by subtraction, only related to the others.
 * This is the usual group-wise heuristic; `protectJointly` (audit.ts) then checks
 * all groups at once as a linear program and extends the pattern where they
 * narrow a hidden cell.
 */
export interface Disclosure {
  /** k: smallest count that may be published (counts 1…k−1 are suppressed). */
  minCount: number;
  /** m: smallest denominator for which a rate is published. */
  minDenominator: number;
}

export type CellStatus = null | 'count_below_k' | 'secondary';

export interface SuppressOptions {
  /** Cells that cannot be hidden to protect others (residuals: they are derivable from their group, hiding them would hide nothing). */
  fixed?: (i: number) => boolean;
  /** A pattern to extend instead of the primary cells alone (the joint audit's repairs). */
  start?: readonly CellStatus[];
}

export function suppressCells(
  values: readonly number[],
  groups: readonly (readonly number[])[],
  k: number,
  o: SuppressOptions = {},
): CellStatus[] {
  const fixed = o.fixed ?? (() => false);
  const status: CellStatus[] = o.start ? [...o.start] : values.map((v) => (v > 0 && v < k ? 'count_below_k' : null));
  const groupsOf: number[][] = values.map(() => []);
  groups.forEach((g, gi) => g.forEach((i) => groupsOf[i]!.push(gi)));

  const queued = new Uint8Array(groups.length);
  const queue: number[] = [];
  const enqueue = (gi: number) => {
    if (!queued[gi]) {
      queued[gi] = 1;
      queue.push(gi);
    }
  };
  status.forEach((s, i) => s && groupsOf[i]!.forEach(enqueue));

  while (queue.length > 0) {
    const gi = queue.pop()!;
    queued[gi] = 0;
    const members = groups[gi]!;
    let hidden = 0;
    let hiddenSum = 0;
    for (const i of members) {
      if (status[i]) {
        hidden++;
        hiddenSum += values[i]!;
      }
    }
    if (hidden === 0 || (hidden >= 2 && hiddenSum >= k)) continue;
    // Smallest first; ties by index for determinism.
    const candidates = members.filter((i) => !status[i] && values[i]! > 0 && !fixed(i)).sort((a, b) => values[a]! - values[b]! || a - b);
    for (const next of candidates) {
      if (hidden >= 2 && hiddenSum >= k) break;
      status[next] = 'secondary';
      hidden++;
      hiddenSum += values[next]!;
      for (const other of groupsOf[next]!) if (other !== gi) enqueue(other);
    }
  }
  return status;
}

export type SuppressionReason =
  'count_below_k' | 'numerator_below_k' | 'denominator_below_k' | 'complement_below_k' | 'denominator_below_m' | 'secondary';

/** A published value derived from protected cells. */
export interface ProtectedValue {
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  suppressed: boolean;
  reason: SuppressionReason | null;
}

export interface CellRef {
  value: number;
  status: CellStatus;
}

/** A count: published when its cell is. */
export function countValue(cell: CellRef): ProtectedValue {
  if (cell.status) return { numerator: null, denominator: null, value: null, suppressed: true, reason: cell.status };
  return { numerator: cell.value, denominator: null, value: cell.value, suppressed: false, reason: null };
}

/**
 * A rate numerator / denominator × scale. The complement (denominator − numerator)
 * must be a cell in one group with both, so that the group rule has already hidden
 * the numerator or the denominator whenever the complement is small.
 * Rates with a denominator below m are withheld as unreliable (a statistical rule,
 * not a disclosure rule: the denominator stays published).
 */
export function rateValue(num: CellRef, den: CellRef, complement: CellRef, d: Disclosure, scale: number): ProtectedValue {
  const withheld = (reason: SuppressionReason, denominator: number | null): ProtectedValue => ({
    numerator: null,
    denominator,
    value: null,
    suppressed: true,
    reason,
  });
  if (den.status) return withheld(den.status === 'count_below_k' ? 'denominator_below_k' : 'secondary', null);
  if (num.status) return withheld(num.status === 'count_below_k' ? 'numerator_below_k' : complementOr(complement), den.value);
  if (complement.status) throw new Error('complement hidden while numerator and denominator are published: the groups are incomplete');
  if (den.value > 0 && den.value < d.minDenominator) return withheld('denominator_below_m', den.value);
  return {
    numerator: num.value,
    denominator: den.value,
    value: den.value === 0 ? null : round((num.value / den.value) * scale),
    suppressed: false,
    reason: null,
  };
}

const complementOr = (c: CellRef): SuppressionReason => (c.status === 'count_below_k' ? 'complement_below_k' : 'secondary');

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
