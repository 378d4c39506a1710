import highsModule from 'highs';
import { type CellStatus, suppressCells } from './suppress.ts';

// The package's types describe its CommonJS build as a module object; the ES
// build that Node loads exports the loader itself as default.
const loadHighs = highsModule as unknown as (typeof highsModule)['default'];

/**
 * The attacker's audit of a suppression pattern (pure but for the solver): all
 * additive relations at once, as a linear program. The group rule of
 * `suppressCells` protects each relation on its own; an attacker who combines
 * them (a Stadtteil's Jahrgänge with its children's, with the city's …) may
 * narrow a hidden cell further. For every hidden cell this finds the smallest
 * and the largest value it can take given every published cell, every relation
 * and that counts are not negative, and reports the cells whose interval is
 * narrower than k.
 *
 * "Narrower than k" means upper − lower < k: two hidden cells of one sum that
 * add up to k, which the group rule allows, span exactly k.
 *
 * The attacker is the linear-programming one (as in τ-ARGUS): the relaxation is
 * continuous and the bounds are its optimum rounded inwards. An attacker who
 * also uses that counts are integers can in rare cases be sharper.
 */
export interface AuditInput {
  /**
   * The cells' values. Those of unknown cells are only a first feasible point
   * (the pipeline knows them); an outside auditor who does not passes null.
   */
  values: readonly (number | null)[];
  status: readonly CellStatus[];
  /** Each: its first cell is the sum of the others. */
  equations: readonly (readonly number[])[];
  /** Cells the attacker does not see although they are not hidden (residuals: never published). */
  unpublished?: (i: number) => boolean;
  /** k: a hidden cell's interval must be at least k wide. */
  minCount: number;
  /**
   * The cells to audit; default: those below k. Hiding more cells only widens
   * every interval (each point that was feasible stays feasible), so after a
   * repair only the cells that were narrowed need another look.
   */
  cells?: ReadonlySet<number>;
  /** Called after each system with the cells audited so far and in all. */
  onProgress?: (done: number, total: number) => void;
}

export interface Narrowed {
  cell: number;
  lower: number;
  upper: number;
}

export interface AuditResult {
  narrowed: Narrowed[];
  /** Cells audited (`cells`, or those below k), linear programs solved, and the largest system (unknowns). */
  audited: number;
  solves: number;
  largest: number;
}

/** The HiGHS WebAssembly runtime, loaded once per process. */
let runtime: ReturnType<typeof loadHighs> | null = null;

export async function auditSuppression(input: AuditInput): Promise<AuditResult> {
  const { values, status, equations, minCount: k } = input;
  const unpublished = input.unpublished ?? (() => false);
  const unknown = (i: number) => status[i] !== null || unpublished(i);

  // Rows over unknowns: Σ coef·x = rhs, with the whole at +1 and its parts at −1.
  const rows: { cols: number[]; coefs: number[]; rhs: number }[] = [];
  for (const eq of equations) {
    const cols: number[] = [];
    const coefs: number[] = [];
    let rhs = 0;
    eq.forEach((cell, at) => {
      const coef = at === 0 ? 1 : -1;
      if (unknown(cell)) {
        cols.push(cell);
        coefs.push(coef);
      } else if (values[cell] === null) throw new Error(`disclosure audit: cell ${cell} is published without a value`);
      else rhs -= coef * values[cell]!;
    });
    if (cols.length > 0) rows.push({ cols, coefs, rhs });
  }

  // Independent systems: unknowns linked through some row.
  const parent = new Map<number, number>();
  const find = (i: number): number => {
    for (let p = parent.get(i)!; p !== i; p = parent.get(i)!) {
      parent.set(i, parent.get(p)!); // path halving
      i = p;
    }
    return i;
  };
  for (const row of rows) for (const c of row.cols) if (!parent.has(c)) parent.set(c, c);
  for (const row of rows) for (let j = 1; j < row.cols.length; j++) parent.set(find(row.cols[j]!), find(row.cols[0]!));
  const systems = new Map<number, { cells: number[]; rows: typeof rows }>();
  for (const c of parent.keys()) {
    const r = find(c);
    let s = systems.get(r);
    if (!s) systems.set(r, (s = { cells: [], rows: [] }));
    s.cells.push(c);
  }
  for (const row of rows) systems.get(find(row.cols[0]!))!.rows.push(row);

  const result: AuditResult = { narrowed: [], audited: 0, solves: 0, largest: 0 };
  const audit = (c: number) => (input.cells ? input.cells.has(c) : status[c] === 'count_below_k');
  result.audited = input.cells ? input.cells.size : status.filter((s) => s === 'count_below_k').length;
  // A cell in no relation is not narrowed by any: it can be anything ≥ 0.
  if (systems.size === 0) return result;
  const highs = await (runtime ??= loadHighs());
  const { maximize, minimize } = highs.constants.objectiveSense;

  const plan = [...systems.values()]
    .sort((a, b) => a.cells[0]! - b.cells[0]!)
    .map((system) => ({
      system,
      audited: system.cells.filter(audit).sort((a, b) => a - b),
    }))
    .filter((p) => p.audited.length > 0);
  const total = plan.reduce((sum, p) => sum + p.audited.length, 0);
  let done = 0;
  for (const { system, audited } of plan) {
    const n = system.cells.length;
    result.largest = Math.max(result.largest, n);
    const col = new Map(system.cells.map((c, j) => [c, j]));
    // Inner bounds from every feasible point seen so far, starting with the values when known:
    // a cell already seen spanning k needs no program of its own.
    const lo = system.cells.map((c) => values[c] ?? Infinity);
    const hi = system.cells.map((c) => values[c] ?? -Infinity);
    const seen = (x: Float64Array) => x.forEach((v, j) => ((lo[j] = Math.min(lo[j]!, v)), (hi[j] = Math.max(hi[j]!, v))));
    const starts = [0];
    const indices: number[] = [];
    const coefs: number[] = [];
    for (const row of system.rows) {
      row.cols.forEach((c, i) => (indices.push(col.get(c)!), coefs.push(row.coefs[i]!)));
      starts.push(indices.length);
    }
    const model = highs.createModel({
      numCols: n,
      numRows: system.rows.length,
      colCost: new Float64Array(n),
      colLower: new Float64Array(n),
      colUpper: new Float64Array(n).fill(highs.infinity),
      rowLower: system.rows.map((r) => r.rhs),
      rowUpper: system.rows.map((r) => r.rhs),
      matrix: { format: 'csr', numRows: system.rows.length, numCols: n, starts, indices, values: coefs },
    });
    try {
      model.options.set({ output_flag: false });
      const optimum = (j: number, sense: typeof maximize): number => {
        model.changeObjectiveSense(sense);
        model.changeColCost(j, 1);
        const { modelStatus } = model.run();
        result.solves++;
        // Read before the cost is reset: a changed model has no solution any more.
        const x = model.getSolution().colValue;
        model.changeColCost(j, 0);
        if (modelStatus === highs.constants.modelStatus.unbounded) return Infinity;
        if (modelStatus !== highs.constants.modelStatus.optimal)
          throw new Error(`disclosure audit: the solver ended with status ${modelStatus}`);
        seen(x);
        return x[j]!;
      };
      for (const cell of audited) {
        const j = col.get(cell)!;
        if (hi[j]! - lo[j]! >= k) continue;
        const max = optimum(j, maximize);
        if (max === Infinity || hi[j]! - lo[j]! >= k) continue;
        const upper = Math.floor(max + 1e-6);
        const lower = Math.max(0, Math.ceil(optimum(j, minimize) - 1e-6)); // not −0
        if (upper - lower < k) result.narrowed.push({ cell, lower, upper });
      }
    } finally {
      model.dispose();
    }
    input.onProgress?.((done += audited.length), total);
  }
  return result;
}

export interface JointOptions {
  values: readonly number[];
  /** The groups of the secondary suppression, and those of them that are sums. */
  groups: readonly (readonly number[])[];
  equations: readonly (readonly number[])[];
  /** Residuals: never published, never hidden to protect others. */
  fixed: (i: number) => boolean;
  minCount: number;
  maxRounds?: number; // 50
  /** Progress within a round: cells audited so far and in all (round 1 audits every cell below k, later rounds those narrowed). */
  onProgress?: (round: number, done: number, total: number) => void;
}

export interface JointResult {
  status: CellStatus[];
  /** Hidden cells the joint audit narrowed below k in its first round. */
  narrowedAtFirst: number;
  /** Cells hidden in addition to the group rule's pattern, rounds, linear programs solved. */
  added: number;
  rounds: number;
  solves: number;
  largest: number;
}

/**
 * Extends a group-wise suppression pattern until the joint audit narrows no
 * hidden cell below k. Each round hides, for every narrowed cell, the smallest
 * published non-zero cell of one of its sums (or, when those have none left,
 * of the sums next to them), lets the group rule follow, and audits again the
 * cells that were narrowed. The pattern only grows, so this ends.
 */
export async function protectJointly(status: readonly CellStatus[], o: JointOptions): Promise<JointResult> {
  const { values, equations, minCount: k, fixed } = o;
  const maxRounds = o.maxRounds ?? 50;
  const sumsOf: number[][] = values.map(() => []);
  equations.forEach((eq, e) => eq.forEach((c) => sumsOf[c]!.push(e)));
  const out: JointResult = { status: [...status], narrowedAtFirst: 0, added: 0, rounds: 0, solves: 0, largest: 0 };
  let cells: Set<number> | undefined;
  for (;;) {
    const audit = await auditSuppression({
      values,
      status: out.status,
      equations,
      unpublished: fixed,
      minCount: k,
      cells,
      onProgress: (done, total) => o.onProgress?.(out.rounds + 1, done, total),
    });
    out.rounds++;
    out.solves += audit.solves;
    out.largest = Math.max(out.largest, audit.largest);
    if (out.rounds === 1) out.narrowedAtFirst = audit.narrowed.length;
    if (audit.narrowed.length === 0) return out;
    if (out.rounds >= maxRounds)
      throw new Error(`disclosure audit: ${audit.narrowed.length} cells still narrowed below k after ${maxRounds} rounds`);
    const start = [...out.status];
    for (const { cell } of audit.narrowed) {
      const extra = nearestCandidate(cell, start, o, sumsOf);
      // Not expected: once every published non-zero cell around it is hidden the
      // relations are homogeneous and the cell is unbounded.
      if (extra === undefined) throw new Error(`disclosure audit: cell ${cell} is narrowed below k and no cell is left to hide`);
      start[extra] = 'secondary';
    }
    const next = suppressCells(values, o.groups, k, { fixed, start });
    next.forEach((s, i) => s !== out.status[i] && out.added++);
    cells = new Set(audit.narrowed.map((n) => n.cell));
    out.status = next;
  }
}

/** The smallest published non-zero cell in the sums of `cell`, else in the sums next to them (breadth first). */
function nearestCandidate(cell: number, status: readonly CellStatus[], o: JointOptions, sumsOf: readonly number[][]): number | undefined {
  const seen = new Set([cell]);
  let ring = [cell];
  while (ring.length > 0) {
    const next: number[] = [];
    let best: number | undefined;
    for (const c of ring)
      for (const e of sumsOf[c]!)
        for (const other of o.equations[e]!) {
          if (seen.has(other)) continue;
          seen.add(other);
          next.push(other);
          if (status[other] || o.values[other]! === 0 || o.fixed(other)) continue;
          if (best === undefined || o.values[other]! < o.values[best]! || (o.values[other] === o.values[best] && other < best))
            best = other;
        }
    if (best !== undefined) return best;
    ring = next;
  }
  return undefined;
}
