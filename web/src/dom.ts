/**
 * A tiny element builder. Text always goes in as text nodes, never as HTML: area,
 * school and offer names come from data files.
 */
import type { Legend } from './shown.ts';

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | ((e: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'object' ? c : String(c));
  }
  return el;
}

export const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

export function fillSelect(
  select: HTMLSelectElement,
  options: readonly { value: string; label: string; group?: string }[],
  selected: string,
) {
  select.replaceChildren();
  const groups = new Map<string, HTMLOptGroupElement>();
  for (const o of options) {
    const opt = new Option(o.label, o.value, false, o.value === selected);
    if (!o.group) {
      select.append(opt);
      continue;
    }
    let g = groups.get(o.group);
    if (!g) {
      g = h('optgroup', { label: o.group });
      groups.set(o.group, g);
      select.append(g);
    }
    g.append(opt);
  }
}

/** A legend as a table: swatch, class and number of areas (the count also for secret and missing areas). */
export function legendTable(legend: Legend, caption: string): HTMLTableElement {
  const tr = (sw: HTMLElement, label: string, count: number) =>
    h('tr', {}, h('td', {}, sw), h('td', {}, label), h('td', { class: 'num' }, `${count} Gebiete`));
  return h(
    'table',
    { class: 'legend-table' },
    h('caption', { class: 'visually-hidden' }, caption),
    legend.rows.map((r) => tr(swatch('colour', r.colour), r.label, r.count)),
    legend.extra.map((e) => tr(swatch(e.kind === 'hatch' ? 'hatch' : 'missing'), e.label, e.count)),
  );
}

/** Swatch for legends: colour plus, for the special classes, a pattern (nothing said by colour alone). */
export const swatch = (kind: 'colour' | 'hatch' | 'missing', colour = '') =>
  h('span', {
    class: `swatch ${kind === 'colour' ? '' : kind}`,
    style: kind === 'colour' ? `background:${colour}` : null,
    'aria-hidden': 'true',
  });
