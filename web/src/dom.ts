/**
 * A tiny element builder. Text always goes in as text nodes, never as HTML: area,
 * school and offer names come from data files.
 */
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

/** Swatch for legends: colour plus, for the special classes, a pattern (nothing said by colour alone). */
export const swatch = (kind: 'colour' | 'hatch' | 'missing', colour = '') =>
  h('span', {
    class: `swatch ${kind === 'colour' ? '' : kind}`,
    style: kind === 'colour' ? `background:${colour}` : null,
    'aria-hidden': 'true',
  });
