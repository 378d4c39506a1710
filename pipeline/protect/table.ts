/**
 * Builds the table of count cells and the additive groups that link them (pure),
 * the input of `suppressCells`.
 */
export interface CountRow {
  level: string;
  areaId: string;
  schuljahr: string;
  measure: string;
  count: number;
}

export interface AreaNode {
  level: string;
  areaId: string;
  /** Parent on the next coarser level; null on the coarsest level (parent: the city). */
  parentId: string | null;
}

/** Within one area and Schuljahr: `whole` = sum of `parts` (a list, or all measures with a prefix). */
export interface Partition {
  whole: string;
  parts: readonly string[] | { prefix: string };
}

/** The city as a whole: its cells are the sums over the coarsest level. */
export const CITY_LEVEL = '@stadt';

export interface TableOptions {
  /** Areas on the boundary levels, coarse to fine. */
  areas: readonly AreaNode[];
  schuljahre: readonly string[];
  /** Measures that every area has in every Schuljahr (0 when no row says otherwise). */
  fill: readonly string[];
  partitions: readonly Partition[];
  /** Measures whose absent cells mean 0 (flows are stored sparsely); others give the city a cell only when every coarsest area has one. */
  sparse?: (measure: string) => boolean;
  /** Further additive groups, as cell keys (missing cells are left out). */
  groups?: readonly { whole: string; parts: readonly string[] }[];
}

/**
 * A count cell. A residual is the part of a whole that its parts do not cover,
 * e.g. the pupils of a Stadtbezirk not assigned to any of its Stadtteile: never
 * published, but derivable by subtraction, so it is protected like a published
 * cell and never hidden to protect another (hiding it would not hide it).
 */
export type Cell = CountRow & { residual?: true };

/** Level name of residual cells. */
export const RESIDUAL_LEVEL = '@rest';

export interface CellTable {
  cells: Cell[];
  /** key(level, areaId, schuljahr, measure) → index into cells. */
  index: Map<string, number>;
  groups: number[][];
  /** The groups that are sums: their first cell is the sum of the others (the rest have no whole). */
  equations: number[][];
}

export const cellKey = (level: string, areaId: string, schuljahr: string, measure: string) =>
  `${level}\u0000${areaId}\u0000${schuljahr}\u0000${measure}`;

export function buildTable(rows: Iterable<CountRow>, o: TableOptions): CellTable {
  const cells: Cell[] = [];
  const index = new Map<string, number>();
  const add = (c: Cell) => {
    const key = cellKey(c.level, c.areaId, c.schuljahr, c.measure);
    const at = index.get(key);
    if (at !== undefined) throw new Error(`duplicate count cell ${key.replaceAll('\u0000', ' / ')}`);
    index.set(key, cells.length);
    cells.push(c);
  };
  // Sorted, so that cell indices (and with them the tie-breaks of the secondary
  // suppression) do not depend on the order in which the database returned rows.
  const sorted = [...rows].sort(
    (a, b) => cmp(a.level, b.level) || cmp(a.areaId, b.areaId) || cmp(a.schuljahr, b.schuljahr) || cmp(a.measure, b.measure),
  );
  for (const r of sorted) add({ ...r });
  for (const a of o.areas)
    for (const schuljahr of o.schuljahre)
      for (const measure of o.fill)
        if (!index.has(cellKey(a.level, a.areaId, schuljahr, measure)))
          add({ level: a.level, areaId: a.areaId, schuljahr, measure, count: 0 });

  // The city: sums over the coarsest level, so that the coarsest level's groups have a whole.
  const levelOrder = [...new Set(o.areas.map((a) => a.level))];
  const top = new Set(o.areas.filter((a) => a.level === levelOrder[0]).map((a) => a.areaId));
  const citySums = new Map<string, { cell: CountRow; n: number }>();
  for (const c of cells) {
    if (c.level !== levelOrder[0] || !top.has(c.areaId)) continue;
    const key = cellKey(CITY_LEVEL, '', c.schuljahr, c.measure);
    const sum = citySums.get(key);
    if (sum) {
      sum.cell.count += c.count;
      sum.n++;
    } else citySums.set(key, { cell: { level: CITY_LEVEL, areaId: '', schuljahr: c.schuljahr, measure: c.measure, count: c.count }, n: 1 });
  }
  const sparse = o.sparse ?? (() => false);
  for (const { cell, n } of citySums.values()) if (n === top.size || sparse(cell.measure)) add(cell);

  const groups: number[][] = [];
  const equations: number[][] = [];
  const pushGroup = (whole: number | undefined, parts: number[]) => {
    if (whole === undefined) return groups.push(parts);
    const group = [whole, ...parts];
    equations.push(group);
    const rest = cells[whole]!.count - parts.reduce((sum, i) => sum + cells[i]!.count, 0);
    if (rest < 0) {
      const w = cells[whole]!;
      throw new Error(`parts exceed their whole ${w.level} ${w.areaId} ${w.schuljahr} ${w.measure} by ${-rest}`);
    }
    if (rest === 0) return groups.push(group);
    const w = cells[whole]!;
    const residual = cells.length;
    cells.push({
      level: RESIDUAL_LEVEL,
      areaId: `${w.level}/${w.areaId}#${groups.length}`,
      schuljahr: w.schuljahr,
      measure: w.measure,
      count: rest,
      residual: true,
    });
    group.push(residual);
    return groups.push(group);
  };
  const unitKey = (c: Cell) => `${c.level}\u0000${c.areaId}\u0000${c.schuljahr}`;

  // Within a unit: the partitions.
  const byUnit = new Map<string, Map<string, number>>();
  cells.forEach((c, i) => {
    const k = unitKey(c);
    let m = byUnit.get(k);
    if (!m) byUnit.set(k, (m = new Map()));
    m.set(c.measure, i);
  });
  for (const measures of byUnit.values()) {
    for (const p of o.partitions) {
      const whole = measures.get(p.whole);
      const parts = Array.isArray(p.parts)
        ? (p.parts as readonly string[]).map((m) => measures.get(m)).filter((i) => i !== undefined)
        : [...measures].filter(([m]) => m.startsWith((p.parts as { prefix: string }).prefix)).map(([, i]) => i);
      if (parts.length === 0) continue;
      pushGroup(whole, parts);
    }
  }

  // Across units: the children of an area add up to it, the coarsest level to the
  // city. Units outside the boundary levels (e.g. Einpendler origins) form one
  // group per level, without a whole.
  const parentOf = new Map(o.areas.map((a) => [`${a.level}\u0000${a.areaId}`, a.parentId]));
  const hierarchy = new Map<string, number[]>();
  cells.forEach((c, i) => {
    if (c.level === CITY_LEVEL) return;
    const idx = levelOrder.indexOf(c.level);
    const parentId = parentOf.get(`${c.level}\u0000${c.areaId}`) ?? null;
    let key: string;
    if (idx < 0) key = `${c.level}\u0000\u0000${c.schuljahr}\u0000${c.measure}`;
    else if (idx === 0 || parentId === null) key = cellKey(CITY_LEVEL, '', c.schuljahr, c.measure);
    else key = cellKey(levelOrder[idx - 1]!, parentId, c.schuljahr, c.measure);
    let g = hierarchy.get(key);
    if (!g) hierarchy.set(key, (g = []));
    g.push(i);
  });
  for (const [key, children] of hierarchy) {
    const whole = index.get(key);
    pushGroup(whole, children);
  }
  for (const g of o.groups ?? []) {
    const parts = g.parts.map((k) => index.get(k)).filter((i) => i !== undefined);
    const whole = index.get(g.whole);
    if (parts.length > 0) pushGroup(whole, parts);
  }
  return { cells, index, groups, equations };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
