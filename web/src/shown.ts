/**
 * What a view shows (pure): rows with the mapped number per area, classes and
 * colours. Shared by map, legend, table and PNG export, so they cannot disagree.
 */
import type { ValuesResponse } from './api.ts';
import {
  choosePalette,
  classOf,
  coloursFor,
  differenceBreaks,
  displayUnit,
  formatNumber,
  legendRows,
  type LegendRow,
  valueBreaks,
} from './classes.ts';
import type { AreaPaint } from './map.ts';
import type { Compare, View } from './view.ts';

/** One area as the current view shows it. */
export interface Row {
  fid: number;
  areaId: string;
  name: string;
  /** The mapped number: the value, or its difference in a comparison. */
  shown: number | null;
  value: number | null;
  refValue: number | null;
  numerator: number | null;
  denominator: number | null;
  suppressed: boolean;
  rank: number | null;
  cls: number | null;
}

export interface Shown {
  values: ValuesResponse;
  rows: Row[];
  breaks: number[];
  colours: string[];
  unit: string;
  /** Legend title, e.g. "Anteil … 2024/25, Veränderung gegenüber 2022/23". */
  title: string;
  legend: Legend;
}

/** The legend of a map: one row per class, then the secret and the missing areas when there are any. */
export interface Legend {
  rows: LegendRow[];
  extra: { kind: 'hatch' | 'missing'; label: string; count: number }[];
}

/** Rows for a view (pure): values, or differences to a reference year or to the city. */
export function rowsFor(compare: Compare, cur: ValuesResponse, ref: ValuesResponse | null): Omit<Row, 'cls'>[] {
  const refByFid = new Map(ref?.values.map((v) => [v.fid, v]) ?? []);
  const cityValue = cur.city?.value ?? null;
  return cur.values.map((v) => {
    const r = refByFid.get(v.fid);
    const refValue = compare === 'year' ? (r?.value ?? null) : compare === 'city' ? cityValue : null;
    const suppressed = v.suppressed || (compare === 'year' && !!r?.suppressed) || (compare === 'city' && !!cur.city?.suppressed);
    const shown =
      compare === 'none' ? v.value : v.value !== null && refValue !== null ? Math.round((v.value - refValue) * 1e4) / 1e4 : null;
    return {
      fid: v.fid,
      areaId: v.areaId,
      name: v.name,
      shown: suppressed ? null : shown,
      value: v.value,
      refValue,
      numerator: v.numerator,
      denominator: v.denominator,
      suppressed,
      rank: v.rank,
    };
  });
}

export function classify(view: View, cur: ValuesResponse, ref: ValuesResponse | null): Shown {
  const base = rowsFor(view.compare, cur, ref);
  const numbers = base.flatMap((r) => (r.shown === null ? [] : [r.shown]));
  const breaks =
    view.compare === 'none'
      ? valueBreaks(view.method, view.classes, cur.stats.breaks, numbers, view.breaks)
      : differenceBreaks(view.classes, numbers, view.method, view.breaks);
  const palette = choosePalette(view.palette, cur.indicator.polarity, view.compare);
  const colours = breaks.length ? coloursFor(palette, breaks.length - 1, cur.indicator.polarity) : [];
  const rows = base.map((r) => ({ ...r, cls: r.shown === null || !breaks.length ? null : classOf(r.shown, breaks) }));
  const unit = displayUnit(cur.indicator.unit, view.compare);
  const suppressed = rows.filter((r) => r.suppressed).length;
  const missing = rows.filter((r) => !r.suppressed && r.shown === null).length;
  const legend: Legend = {
    rows: legendRows(
      rows.map((r) => r.shown),
      breaks,
      colours,
      unit,
      signedFor(view.compare),
    ),
    extra: [
      ...(suppressed
        ? [{ kind: 'hatch' as const, label: `geheim (weniger als ${cur.disclosure.minCount} Fälle)`, count: suppressed }]
        : []),
      ...(missing ? [{ kind: 'missing' as const, label: 'keine Daten', count: missing }] : []),
    ],
  };
  const what =
    view.compare === 'year' ? `, Veränderung gegenüber ${view.ref}` : view.compare === 'city' ? ', Abweichung vom Wert der Stadt' : '';
  return {
    values: cur,
    rows,
    breaks,
    colours,
    unit,
    title: `${cur.indicator.title} ${cur.schuljahr}${what}`,
    legend,
  };
}

export function paintOf(s: Shown): Map<number, AreaPaint> {
  return new Map(
    s.rows.map((r) => [
      r.fid,
      { colour: r.cls === null ? null : s.colours[r.cls]!, suppressed: r.suppressed, missing: !r.suppressed && r.shown === null },
    ]),
  );
}

export const signedFor = (compare: Compare) => compare !== 'none';

export function describe(r: Row, s: Shown, compare: Compare): string {
  if (r.suppressed) return `geheim (weniger als ${s.values.disclosure.minCount} Fälle)`;
  if (r.shown === null) return 'keine Daten';
  return `${formatNumber(r.shown, signedFor(compare))}${s.unit}`;
}
