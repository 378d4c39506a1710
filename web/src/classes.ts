/** Colours and class assignment for the choropleth (pure, shared by map and legend). */
const BLUES = ['#eff3ff', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#084594'];
const YLORBR = ['#ffffd4', '#fee391', '#fec44f', '#fe9929', '#ec7014', '#cc4c02', '#8c2d04'];
const YLGN = ['#ffffcc', '#d9f0a3', '#addd8e', '#78c679', '#41ab5d', '#238443', '#005a32'];

/** Sequential, colour-vision-safe palettes (ColorBrewer); darker = more of what the indicator measures. */
export function palette(polarity: string, k: number): string[] {
  const base = polarity === 'higher_is_worse' ? YLORBR : polarity === 'higher_is_better' ? YLGN : BLUES;
  return Array.from({ length: k }, (_, i) => base[Math.round((i * (base.length - 1)) / Math.max(1, k - 1))]!);
}

/** The server's rule, so legend, map and values API always agree. */
export { classOf } from '../../server/indicators/classify.ts';

const nf = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 1 });
export const formatNumber = (v: number) => nf.format(v);
