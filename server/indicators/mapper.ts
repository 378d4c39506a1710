import { equalIntervalBreaks, naturalBreaks, quantileBreaks } from './classify.ts';

/** Rows → API objects: values with rank, plus the statistics a map legend needs. */
export interface ValueRow {
  area_id: string;
  fid: number | string;
  name: string;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  suppressed: boolean;
  reason: string | null;
}

export const CLASS_COUNTS = [3, 4, 5, 6, 7] as const;

export function toValues(rows: readonly ValueRow[]) {
  // Competition ranking: 1 = highest value; ties share a rank; suppressed and missing have none.
  const ranked = rows
    .filter((r) => r.value !== null)
    .map((r) => r.value!)
    .sort((a, b) => b - a);
  const rankOf = (v: number) => ranked.indexOf(v) + 1;
  return rows.map((r) => ({
    areaId: r.area_id,
    fid: Number(r.fid),
    name: r.name,
    value: r.value,
    numerator: r.numerator,
    denominator: r.denominator,
    suppressed: r.suppressed,
    reason: r.reason,
    rank: r.value === null ? null : rankOf(r.value),
  }));
}

export function toStats(rows: readonly ValueRow[]) {
  const sorted = rows
    .filter((r) => r.value !== null)
    .map((r) => r.value!)
    .sort((a, b) => a - b);
  const by = (f: (s: number[], k: number) => number[]) => Object.fromEntries(CLASS_COUNTS.map((k) => [k, f(sorted, k)]));
  return {
    count: sorted.length,
    suppressed: rows.filter((r) => r.suppressed).length,
    missing: rows.filter((r) => !r.suppressed && r.value === null).length,
    min: sorted[0] ?? null,
    max: sorted[sorted.length - 1] ?? null,
    mean: sorted.length ? Math.round((sorted.reduce((s, v) => s + v, 0) / sorted.length) * 1e4) / 1e4 : null,
    breaks: { quantile: by(quantileBreaks), equal: by(equalIntervalBreaks), jenks: by(naturalBreaks) },
  };
}
