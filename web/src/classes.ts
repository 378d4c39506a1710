/**
 * Classes and colours for the choropleth (pure, shared by map, legend, table and
 * PNG export, so they cannot disagree). Class i holds values from breaks[i] up to
 * (not including) breaks[i+1]; the last class includes the maximum — the server's rule.
 */
import { classOf, equalIntervalBreaks, naturalBreaks, quantileBreaks } from '../../server/indicators/classify.ts';
import type { Compare, Method } from './view.ts';

export { classOf };

export interface Palette {
  id: string;
  title: string;
  kind: 'sequential' | 'diverging';
  /** Light to dark (sequential) or low end to high end (diverging, odd length, neutral middle). */
  colours: readonly string[];
}

// ColorBrewer schemes that stay distinguishable with the common colour-vision deficiencies.
export const PALETTES: readonly Palette[] = [
  { id: 'blau', title: 'Blau', kind: 'sequential', colours: ['#eff3ff', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#084594'] },
  {
    id: 'orange',
    title: 'Gelb–Braun',
    kind: 'sequential',
    colours: ['#ffffd4', '#fee391', '#fec44f', '#fe9929', '#ec7014', '#cc4c02', '#8c2d04'],
  },
  {
    id: 'gruen',
    title: 'Gelb–Grün',
    kind: 'sequential',
    colours: ['#ffffcc', '#d9f0a3', '#addd8e', '#78c679', '#41ab5d', '#238443', '#005a32'],
  },
  { id: 'lila', title: 'Lila', kind: 'sequential', colours: ['#f2f0f7', '#dadaeb', '#bcbddc', '#9e9ac8', '#807dba', '#6a51a3', '#4a1486'] },
  {
    id: 'puor',
    title: 'Orange–Lila',
    kind: 'diverging',
    colours: ['#b35806', '#e08214', '#fdb863', '#fee0b6', '#f7f7f7', '#d8daeb', '#b2abd2', '#8073ac', '#542788'],
  },
  {
    id: 'brbg',
    title: 'Braun–Türkis',
    kind: 'diverging',
    colours: ['#8c510a', '#bf812d', '#dfc27d', '#f6e8c3', '#f5f5f5', '#c7eae5', '#80cdc1', '#35978f', '#01665e'],
  },
];

/** Sequential for values, diverging for differences (0 = no change / like the city). */
export function paletteKind(compare: Compare): Palette['kind'] {
  return compare === 'none' ? 'sequential' : 'diverging';
}

/** The chosen palette when it fits the view, else the default for the indicator's polarity. */
export function choosePalette(id: string, polarity: string, compare: Compare): Palette {
  const kind = paletteKind(compare);
  const chosen = PALETTES.find((p) => p.id === id && p.kind === kind);
  if (chosen) return chosen;
  if (kind === 'diverging') return PALETTES.find((p) => p.id === 'puor')!;
  const byPolarity = polarity === 'higher_is_worse' ? 'orange' : polarity === 'higher_is_better' ? 'gruen' : 'blau';
  return PALETTES.find((p) => p.id === byPolarity)!;
}

/**
 * k colours of a palette. Diverging palettes are turned so that "worse" is always
 * the orange/brown end: a higher value is worse when the indicator's polarity says so.
 */
export function coloursFor(p: Palette, k: number, polarity: string): string[] {
  const base = p.kind === 'diverging' && polarity === 'higher_is_worse' ? [...p.colours].reverse() : [...p.colours];
  if (p.kind === 'sequential') {
    return Array.from({ length: k }, (_, i) => base[Math.round((i * (base.length - 1)) / Math.max(1, k - 1))]!);
  }
  // Symmetric sampling around the neutral middle, so the class around 0 is neutral when k is odd.
  const mid = (base.length - 1) / 2;
  return Array.from({ length: k }, (_, i) => {
    const t = k === 1 ? 0 : (i / (k - 1)) * 2 - 1; // -1 … 1
    return base[Math.round(mid + t * mid)]!;
  });
}

export interface Classified {
  /** k+1 breaks, or [] when no area has a value. */
  breaks: number[];
  colours: string[];
}

/** Breaks for a value map: the server's statistics, or custom inner breaks framed by min and max. */
export function valueBreaks(
  method: Method,
  k: number,
  server: { quantile: Record<string, number[]>; equal: Record<string, number[]>; jenks: Record<string, number[]> },
  values: readonly number[],
  custom: readonly number[],
): number[] {
  if (values.length === 0) return [];
  if (method !== 'custom' || custom.length === 0) return server[method === 'custom' ? 'quantile' : method][String(k)] ?? [];
  const min = Math.min(...values);
  const max = Math.max(...values);
  const inner = custom.filter((b) => b > min && b < max);
  return [min, ...inner, max];
}

/**
 * Breaks for a comparison (differences, diverging): equal intervals symmetric
 * around 0 so that the colour says the sign; custom breaks work as for values.
 * Quantiles or natural breaks would put 0 anywhere and make the palette lie.
 */
export function differenceBreaks(k: number, values: readonly number[], method: Method, custom: readonly number[]): number[] {
  if (values.length === 0) return [];
  if (method === 'custom' && custom.length) return valueBreaks('custom', k, { quantile: {}, equal: {}, jenks: {} }, values, custom);
  const m = Math.max(...values.map(Math.abs)) || 1;
  return equalIntervalBreaks([-m, m], k);
}

/** Client-side breaks for arbitrary values (used where the server has none, e.g. catchment shares). */
export function breaksOf(method: Exclude<Method, 'custom'>, values: readonly number[], k: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  return method === 'equal' ? equalIntervalBreaks(sorted, k) : method === 'jenks' ? naturalBreaks(sorted, k) : quantileBreaks(sorted, k);
}

export interface LegendRow {
  colour: string;
  label: string;
  count: number;
}

const nf = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 1 });
const nfSigned = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 1, signDisplay: 'exceptZero' });
export const formatNumber = (v: number, signed = false) => (signed ? nfSigned : nf).format(v);

/** The unit a map shows: a difference of percentages is in percentage points. */
export function displayUnit(unit: string, compare: Compare): string {
  if (unit === 'Anzahl') return '';
  return compare !== 'none' && unit === '%' ? ' Prozentpunkte' : ` ${unit}`;
}

/** Legend rows "von … bis unter …" with the number of areas per class. */
export function legendRows(
  values: readonly (number | null)[],
  breaks: readonly number[],
  colours: readonly string[],
  unit: string,
  signed = false,
): LegendRow[] {
  const counts = new Array<number>(colours.length).fill(0);
  for (const v of values) if (v !== null) counts[classOf(v, breaks as number[])]!++;
  return colours.map((colour, i) => {
    const from = formatNumber(breaks[i]!, signed);
    const to = formatNumber(breaks[i + 1]!, signed);
    const label = i === colours.length - 1 ? `von ${from} bis ${to}${unit}` : `von ${from} bis unter ${to}${unit}`;
    return { colour, label, count: counts[i]! };
  });
}
