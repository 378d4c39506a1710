/**
 * The area profile ("Steckbrief"): every indicator of one area against its parent
 * area and the city, its rank and its trend. Printable (print stylesheet) and
 * linkable (the area is part of the URL).
 */
import type { Level, Profile, VersionedApi } from './api.ts';
import { formatNumber } from './classes.ts';
import { $, h } from './dom.ts';

type Value = { value: number | null; suppressed: boolean } | undefined;

const fmt = (v: Value, unit: string) =>
  !v ? '–' : v.suppressed ? 'geheim' : v.value === null ? 'keine Daten' : `${formatNumber(v.value)}${unit}`;

const SVG = 'http://www.w3.org/2000/svg';

/** A small line over the Schuljahre; gaps where a value is secret or missing. Described in words for screen readers. */
export function sparkline(series: readonly { schuljahr: string; value: number | null }[], label: string): SVGSVGElement {
  const w = 96;
  const hgt = 24;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${hgt}`);
  svg.setAttribute('width', String(w));
  svg.setAttribute('height', String(hgt));
  svg.setAttribute('role', 'img');
  svg.setAttribute(
    'aria-label',
    `${label}: ${series.map((s) => `${s.schuljahr} ${s.value === null ? 'kein Wert' : formatNumber(s.value)}`).join(', ')}`,
  );
  const known = series.filter((s) => s.value !== null).map((s) => s.value!);
  if (known.length === 0) return svg;
  const min = Math.min(...known);
  const max = Math.max(...known);
  const x = (i: number) => (series.length === 1 ? w / 2 : 3 + (i * (w - 6)) / (series.length - 1));
  const y = (v: number) => (max === min ? hgt / 2 : hgt - 3 - ((v - min) * (hgt - 6)) / (max - min));
  let d = '';
  let pen = false;
  series.forEach((s, i) => {
    if (s.value === null) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(s.value).toFixed(1)}`;
    pen = true;
    const dot = document.createElementNS(SVG, 'circle');
    dot.setAttribute('cx', x(i).toFixed(1));
    dot.setAttribute('cy', y(s.value).toFixed(1));
    dot.setAttribute('r', '2');
    svg.append(dot);
  });
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', d);
  svg.prepend(path);
  return svg;
}

export function profilePanel(d: { api: VersionedApi; levels: readonly Level[]; schuljahr: () => string; closed: () => void }) {
  const aside = $('profile');
  let current: Profile | null = null;

  function render(p: Profile) {
    const year = d.schuljahr();
    const levelTitle = (l: string) => d.levels.find((x) => x.level === l)?.title ?? l;
    const parentTitle = p.area.parents.at(-1);
    const themes = new Map<string, Profile['indicators']>();
    for (const i of p.indicators) themes.set(i.indicator.theme, [...(themes.get(i.indicator.theme) ?? []), i]);
    const at = <T extends { schuljahr: string }>(s: readonly T[] | null) => s?.find((v) => v.schuljahr === year);
    aside.replaceChildren(
      h(
        'div',
        { class: 'profile-head' },
        h('h2', { id: 'profile-title' }, `Steckbrief: ${p.area.name}`),
        h(
          'p',
          {},
          `${levelTitle(p.area.level)} ${p.area.areaId}`,
          p.area.parents.map((x) => ` · ${levelTitle(x.level)} ${x.name}`),
          ` · ${formatNumber(p.area.areaKm2)} km² · Schuljahr ${year}`,
        ),
        h(
          'div',
          { class: 'profile-actions' },
          h('button', { type: 'button', onclick: () => window.print() }, 'Drucken'),
          h('a', { href: location.href, id: 'profile-link' }, 'Link zu diesem Steckbrief'),
          h('button', { type: 'button', id: 'profile-close', onclick: close }, 'Schließen'),
        ),
      ),
      ...[...themes].map(([theme, list]) =>
        h(
          'table',
          { class: 'data profile-table' },
          h('caption', {}, theme),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'Indikator'),
              h('th', { scope: 'col', class: 'num' }, 'Gebiet'),
              h('th', { scope: 'col', class: 'num' }, parentTitle ? parentTitle.name : 'Übergeordnet'),
              h('th', { scope: 'col', class: 'num' }, 'Stadt'),
              h('th', { scope: 'col', class: 'num' }, 'Rang'),
              h('th', { scope: 'col' }, 'Verlauf'),
            ),
          ),
          h(
            'tbody',
            {},
            list.map((i) => {
              const unit = i.indicator.unit === 'Anzahl' ? '' : ` ${i.indicator.unit}`;
              const own = at(i.series);
              return h(
                'tr',
                {},
                h('th', { scope: 'row' }, i.indicator.title),
                h('td', { class: 'num' }, fmt(own, unit)),
                h('td', { class: 'num' }, fmt(at(i.parent), unit)),
                h('td', { class: 'num' }, fmt(at(i.city), unit)),
                h('td', { class: 'num' }, own?.rank ? `${own.rank} von ${own.rankedAreas}` : '–'),
                h(
                  'td',
                  {},
                  sparkline(
                    i.series.map((s) => ({ schuljahr: s.schuljahr, value: s.suppressed ? null : s.value })),
                    `Verlauf ${i.indicator.title}`,
                  ),
                ),
              );
            }),
          ),
        ),
      ),
    );
  }

  async function open(level: string, areaId: string) {
    current = await d.api.profile(level, areaId);
    render(current);
    aside.hidden = false;
    document.body.classList.add('with-profile');
    aside.focus();
    document.body.dataset.profile = `${level}|${areaId}`;
  }

  function close() {
    aside.hidden = true;
    current = null;
    document.body.classList.remove('with-profile');
    delete document.body.dataset.profile;
    d.closed();
  }

  return {
    open,
    close,
    /** Re-renders for another Schuljahr or after the URL changed. */
    refresh() {
      if (current) render(current);
    },
    isOpen: () => current !== null,
  };
}

export type ProfilePanel = ReturnType<typeof profilePanel>;
