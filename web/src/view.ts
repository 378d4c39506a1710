/**
 * The whole view as plain data, read from and written to the URL (pure), so that a
 * link or a reload shows exactly the same map. Unknown or invalid parameters fall
 * back to defaults instead of failing: links outlive data versions.
 */
export const METHODS = ['quantile', 'equal', 'jenks', 'custom'] as const;
export const COMPARES = ['none', 'year', 'city'] as const;
export const PANELS = ['explorer', 'schools', 'finder'] as const;
export const LANGS = ['de', 'en', 'ar'] as const;

export type Method = (typeof METHODS)[number];
export type Compare = (typeof COMPARES)[number];
export type Panel = (typeof PANELS)[number];
export type Lang = (typeof LANGS)[number];

export interface View {
  panel: Panel;
  level: string;
  indicator: string;
  schuljahr: string;
  /** Difference to a reference Schuljahr, or deviation from the whole city. */
  compare: Compare;
  /** Reference Schuljahr when compare = 'year'. */
  ref: string;
  method: Method;
  classes: number;
  /** Palette id; '' = the default for the indicator's polarity and the comparison. */
  palette: string;
  /** Custom class breaks (inner breaks only), used when method = 'custom'. */
  breaks: number[];
  /** Selected area (its profile is open) and school (its catchment is shown). */
  area: string;
  school: string;
  /** Map position: [lon, lat, zoom]; null = fit the data. */
  at: [number, number, number] | null;
  embed: boolean;
  lang: Lang;
}

/** What the published data offers; the view is checked against it. */
export interface Choices {
  levels: string[];
  indicators: string[];
  schuljahre: string[];
  defaultIndicator: string;
}

const pick = <T extends string>(v: string | null, allowed: readonly T[], fallback: T): T =>
  v !== null && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;

/** Custom breaks as typed: separated by ";" or spaces, German decimal comma allowed ("12,5; 20"). */
export function parseBreaks(text: string | null): number[] {
  if (!text) return [];
  const parsed = text
    .split(/[;\s]+/)
    .filter(Boolean)
    .map((s) => Number(s.replace(',', '.')));
  if (parsed.length > 6 || parsed.some((n) => !Number.isFinite(n))) return [];
  return [...new Set(parsed)].sort((a, b) => a - b);
}

export function readView(search: string, c: Choices): View {
  const q = new URLSearchParams(search);
  const latest = c.schuljahre[c.schuljahre.length - 1] ?? '';
  const schuljahr = pick(q.get('schuljahr'), c.schuljahre, latest);
  const classes = Number(q.get('classes'));
  const at = (q.get('at') ?? '').split(',').map(Number);
  const validAt = at.length === 3 && Math.abs(at[0]!) <= 180 && Math.abs(at[1]!) <= 85 && at[2]! >= 0 && at[2]! <= 22;
  return {
    panel: pick(q.get('panel'), PANELS, 'explorer'),
    level: pick(q.get('level'), c.levels, c.levels[c.levels.length - 1] ?? ''),
    indicator: pick(q.get('indicator'), c.indicators, c.defaultIndicator),
    schuljahr,
    compare: pick(q.get('compare'), COMPARES, 'none'),
    ref: pick(q.get('ref'), c.schuljahre, c.schuljahre.find((s) => s !== schuljahr) ?? schuljahr),
    method: pick(q.get('method'), METHODS, 'quantile'),
    classes: Number.isInteger(classes) && classes >= 3 && classes <= 7 ? classes : 5,
    palette: (q.get('palette') ?? '').replace(/[^a-z]/g, '').slice(0, 16),
    breaks: parseBreaks(q.get('breaks')),
    area: (q.get('area') ?? '').slice(0, 64),
    school: (q.get('school') ?? '').replace(/[^0-9A-Za-z]/g, '').slice(0, 16),
    at: validAt ? (at as [number, number, number]) : null,
    embed: q.get('embed') === '1',
    lang: pick(q.get('lang'), LANGS, 'de'),
  };
}

/** The view as a query string; defaults are left out so links stay short. */
export function writeView(v: View): string {
  const q = new URLSearchParams();
  if (v.panel !== 'explorer') q.set('panel', v.panel);
  q.set('level', v.level);
  q.set('indicator', v.indicator);
  q.set('schuljahr', v.schuljahr);
  if (v.compare !== 'none') q.set('compare', v.compare);
  if (v.compare === 'year') q.set('ref', v.ref);
  if (v.method !== 'quantile') q.set('method', v.method);
  if (v.classes !== 5) q.set('classes', String(v.classes));
  if (v.palette) q.set('palette', v.palette);
  if (v.method === 'custom' && v.breaks.length) q.set('breaks', v.breaks.join(';'));
  if (v.area) q.set('area', v.area);
  if (v.school) q.set('school', v.school);
  if (v.at) q.set('at', v.at.map((n, i) => (i === 2 ? n.toFixed(2) : n.toFixed(5))).join(','));
  if (v.embed) q.set('embed', '1');
  if (v.lang !== 'de') q.set('lang', v.lang);
  return `?${q}`;
}
