/**
 * Sortable table: the text alternative of every map view (WCAG 1.1.1). Sorting is
 * by buttons in the column headers, announced through aria-sort.
 */
import { h } from './dom.ts';

export interface Column<R> {
  key: string;
  title: string;
  /** Sort key; null sorts last in both directions ("no value" is not small). */
  value: (r: R) => string | number | null;
  /** Cell content; defaults to the sort key as text. */
  cell?: (r: R) => Node | string;
  numeric?: boolean;
}

export type Direction = 'ascending' | 'descending';

export function sortRows<R>(rows: readonly R[], col: Column<R>, dir: Direction): R[] {
  const sign = dir === 'ascending' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = col.value(a);
    const y = col.value(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    if (typeof x === 'number' && typeof y === 'number') return sign * (x - y);
    return sign * String(x).localeCompare(String(y), 'de', { numeric: true });
  });
}

export function renderTable<R>(
  container: HTMLElement,
  caption: string,
  columns: readonly Column<R>[],
  rows: readonly R[],
  initial: { key: string; dir: Direction },
) {
  let sort = initial;
  const draw = () => {
    const col = columns.find((c) => c.key === sort.key) ?? columns[0]!;
    const sorted = sortRows(rows, col, sort.dir);
    const head = columns.map((c) =>
      h(
        'th',
        { scope: 'col', 'aria-sort': c.key === sort.key ? sort.dir : null, class: c.numeric ? 'num' : null },
        h(
          'button',
          {
            type: 'button',
            'data-key': c.key,
            onclick: () => {
              sort = { key: c.key, dir: sort.key === c.key && sort.dir === 'ascending' ? 'descending' : 'ascending' };
              draw();
              (container.querySelector(`th button[data-key="${c.key}"]`) as HTMLButtonElement | null)?.focus();
            },
          },
          c.title,
        ),
      ),
    );
    const body = sorted.map((r) =>
      h(
        'tr',
        {},
        columns.map((c, i) => {
          const content = c.cell ? c.cell(r) : String(c.value(r) ?? '–');
          return i === 0 ? h('th', { scope: 'row' }, content) : h('td', { class: c.numeric ? 'num' : null }, content);
        }),
      ),
    );
    container.replaceChildren(
      h('table', { class: 'data' }, h('caption', {}, caption), h('thead', {}, h('tr', {}, head)), h('tbody', {}, body)),
    );
  };
  draw();
}
