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
 * Large systems (one per Schuljahr couples thousands of hidden cells) are
 * decided cell by cell in neighbourhoods first (`localBounds`): a narrowing
 * comes from relations close to the cell, and a program over a few hundred
 * unknowns costs a fraction of one over several thousands (`localFrom`). Only cells that no
 * neighbourhood decides get programs over their whole system.
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
  /**
   * Neighbourhoods have at most this many unknowns; see `localBounds`. Default 400.
   */
  localLimit?: number;
  /**
   * Systems larger than this (unknowns) are first audited cell by cell in
   * neighbourhoods. Default: 6 × localLimit (2,400). Measured in the first round:
   * on the 1M benchmark's systems of 1,000–1,300 unknowns the whole systems took
   * 115–346 ms each against 319–685 ms in neighbourhoods; on the small demo's of
   * 4,400–4,800 unknowns 2.7–3.6 s against 1.4–2.3 s.
   */
  localFrom?: number;
  /** Called after each system with the cells audited so far and in all. */
  onProgress?: (done: number, total: number) => void;
  /** Also name, for each narrowed cell, the published cells that bound it (`Narrowed.bounding`). */
  bounding?: boolean;
}

/**
 * A cell the published numbers confine to [lower, upper], narrower than k: the
 * tightest such interval, unless a neighbourhood decided the cell (`local`);
 * then what the relations near the cell imply, which contains the tightest.
 */
export interface Narrowed {
  cell: number;
  lower: number;
  upper: number;
  /**
   * With `bounding`: published cells whose values the programs' bounds rest on
   * (a non-zero reduced cost against the optimum's row duals), non-zero ones
   * only, ascending. Hiding one of them frees the bound it enters, unless a sum
   * published in full gives it away again (see `boundingCells`); a cell found
   * through the structure of the sums alone often frees nothing.
   */
  bounding?: number[];
}

export interface AuditResult {
  narrowed: Narrowed[];
  /** Cells audited (`cells`, or those below k), linear programs solved, and the largest system (unknowns). */
  audited: number;
  solves: number;
  largest: number;
  /** Cells decided in a neighbourhood (`localLimit`) rather than by programs over their whole system. */
  local: number;
}

/** The HiGHS WebAssembly runtime, loaded once per process. */
let runtime: ReturnType<typeof loadHighs> | null = null;

export async function auditSuppression(input: AuditInput): Promise<AuditResult> {
  const { values, status, equations, minCount: k } = input;
  const unpublished = input.unpublished ?? (() => false);
  const unknown = (i: number) => status[i] !== null || unpublished(i);

  // Rows over unknowns: Σ coef·x = rhs, with the whole at +1 and its parts at −1;
  // the published cells folded into rhs are kept to say which of them bound a cell.
  const rows: Row[] = [];
  for (const eq of equations) {
    const row: Row = { cols: [], coefs: [], rhs: 0, known: [] };
    eq.forEach((cell, at) => {
      const coef = at === 0 ? 1 : -1;
      if (unknown(cell)) {
        row.cols.push(cell);
        row.coefs.push(coef);
      } else if (values[cell] === null) throw new Error(`disclosure audit: cell ${cell} is published without a value`);
      else {
        row.rhs -= coef * values[cell]!;
        row.known.push({ cell, coef });
      }
    });
    if (row.cols.length > 0) rows.push(row);
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

  const result: AuditResult = { narrowed: [], audited: 0, solves: 0, largest: 0, local: 0 };
  const narrowed = (cell: number, found: Found): Narrowed => {
    const { lower, upper } = found;
    return input.bounding ? { cell, lower, upper, bounding: boundingCells(found, values) } : { cell, lower, upper };
  };
  const audit = (c: number) => (input.cells ? input.cells.has(c) : status[c] === 'count_below_k');
  result.audited = input.cells ? input.cells.size : status.filter((s) => s === 'count_below_k').length;
  // A cell in no relation is not narrowed by any: it can be anything ≥ 0.
  if (systems.size === 0) return result;
  const highs = await (runtime ??= loadHighs());
  const limit = input.localLimit ?? LOCAL_LIMIT;
  const from = input.localFrom ?? 6 * limit;

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
    const rows = system.rows.map((r) => ({ ...r, cols: r.cols.map((c) => col.get(c)!) }));
    let whole: Program | null = null;
    // Assigned inside a closure, which TypeScript's narrowing does not see.
    let primal = null as Program | null;
    try {
      // A feasible point: the values, or when they are unknown the solver's first.
      let point = system.cells.map((c) => values[c]);
      if (point.some((v) => v === null)) point = [...(whole = program(highs, rows, n)).feasible(result)];
      const value = (j: number) => point[j]!;
      // Inner bounds from every feasible point seen so far: a cell seen spanning k needs no program of its own.
      const lo = system.cells.map((_, j) => value(j));
      const hi = [...lo];
      const spans = (j: number) => hi[j]! - lo[j]! >= k;
      const local = n > from ? new Neighbourhoods(rows, n, value) : null;
      for (const cell of audited) {
        const j = col.get(cell)!;
        if (spans(j)) continue;
        const near = local && localBounds(j, local, highs, { lo, hi, k, limit }, result);
        if (near) {
          result.local++;
          if (near !== 'protected') result.narrowed.push(narrowed(cell, near));
          continue;
        }
        whole ??= program(highs, rows, n);
        const found = bounds(whole, () => (primal ??= program(highs, rows, n, true)), j, { lo, hi, k }, result);
        if (found) result.narrowed.push(narrowed(cell, found));
      }
    } finally {
      whole?.dispose();
      primal?.dispose();
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
  /** A guard, not a limit that shapes the result: every round hides at least one cell, so the loop ends anyway. */
  maxRounds?: number; // 100
  /**
   * Neighbourhood size of the first round (see AuditInput.localLimit; default 400).
   * Later rounds audit whole systems only: they see the few cells narrowed the round
   * before, which sums tie to many others, and a neighbourhood seldom decides those.
   * Measured on the 1M benchmark's table: the repair 5.6 s with neighbourhoods in
   * every round, 3.5 s without them after the first (14,187 → 6,771 programs).
   */
  localLimit?: number;
  /** Systems larger than this use neighbourhoods in the first round (see AuditInput.localFrom). */
  localFrom?: number;
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
  /** Cells decided in a neighbourhood (first round only, see `localLimit`). */
  local: number;
}

/**
 * Extends a group-wise suppression pattern until the joint audit narrows no
 * hidden cell below k. Each round hides, for every narrowed cell, one of the
 * published cells its interval rests on (`Narrowed.bounding`; when the programs
 * name none, the smallest published non-zero cell of one of its sums or of the
 * sums next to them), lets the group rule follow, and audits again the cells
 * that were narrowed. The pattern only grows, so this ends.
 *
 * Why the bounds and not the sums: a residual (pupils of a Stadtteil without a
 * Quartier, say) is pinned by sums over other measures and levels than its own;
 * on the 1M benchmark the nearest published cell missed them round after round
 * and 11 residuals were still narrowed after 50 rounds.
 */
export async function protectJointly(status: readonly CellStatus[], o: JointOptions): Promise<JointResult> {
  const { values, equations, minCount: k, fixed } = o;
  const maxRounds = o.maxRounds ?? 100;
  const sumsOf: number[][] = values.map(() => []);
  equations.forEach((eq, e) => eq.forEach((c) => sumsOf[c]!.push(e)));
  const out: JointResult = { status: [...status], narrowedAtFirst: 0, added: 0, rounds: 0, solves: 0, largest: 0, local: 0 };
  let cells: Set<number> | undefined;
  for (;;) {
    const audit = await auditSuppression({
      values,
      status: out.status,
      equations,
      unpublished: fixed,
      minCount: k,
      cells,
      bounding: true,
      ...(out.rounds === 0 ? { localLimit: o.localLimit, localFrom: o.localFrom } : { localFrom: Infinity }),
      onProgress: (done, total) => o.onProgress?.(out.rounds + 1, done, total),
    });
    out.rounds++;
    out.solves += audit.solves;
    out.local += audit.local;
    out.largest = Math.max(out.largest, audit.largest);
    if (out.rounds === 1) out.narrowedAtFirst = audit.narrowed.length;
    if (audit.narrowed.length === 0) return out;
    if (out.rounds >= maxRounds)
      throw new Error(`disclosure audit: ${audit.narrowed.length} cells still narrowed below k after ${maxRounds} rounds`);
    const start = [...out.status];
    for (const { cell, bounding = [] } of audit.narrowed) {
      // A cell another narrowed cell hid this round frees one of this cell's bounds already.
      if (bounding.some((c) => start[c])) continue;
      const extra = chooseBounding(bounding, start, o, sumsOf) ?? nearestCandidate(cell, start, o, sumsOf);
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

/**
 * Of the published cells a narrowed interval rests on, the one to hide: the
 * smallest that can move by k (hiding it loses the least and frees the bound;
 * else the largest), preferring cells in no sum that is otherwise published
 * (such a sum gives the cell away again until the group rule hides a second
 * cell in it). Tried and dropped: hiding that second cell here too, a bounding
 * one where the sum has one: on the 1M benchmark 21 rounds instead of 17 and
 * more cells hidden.
 */
function chooseBounding(
  bounding: readonly number[],
  status: readonly CellStatus[],
  o: JointOptions,
  sumsOf: readonly number[][],
): number | undefined {
  const v = o.values;
  const published = (c: number) => status[c] === null && !o.fixed(c);
  const alone = (c: number) => sumsOf[c]!.some((e) => o.equations[e]!.every((d) => d === c || published(d)));
  const free = bounding.filter((c) => !alone(c));
  const order = (free.length > 0 ? free : bounding).toSorted((a, b) => v[a]! - v[b]! || a - b);
  return order.find((c) => v[c]! >= o.minCount) ?? order.at(-1);
}

/** When the programs name no bounding cell: the smallest published non-zero cell in the sums of `cell`, else in the sums next to them (breadth first). */
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

const LOCAL_LIMIT = 400;
/** HiGHS's kSimplexStrategyPrimal (the package types the option with an enum it does not export). */
const PRIMAL_SIMPLEX = 4;
/** Rounding of a relaxation's optimum to the integer bound it implies. */
const EPS = 1e-6;

type Highs = Awaited<ReturnType<typeof loadHighs>>;
/** Σ coefs·x[cols] = rhs over unknowns; `known`: the published cells folded into rhs. */
type Row = { cols: number[]; coefs: number[]; rhs: number; known: { cell: number; coef: number }[] };
/** A narrowed interval and the optima behind it: the rows they were solved over and their row duals. */
type Found = Omit<Narrowed, 'cell' | 'bounding'> & { rows: readonly Row[]; duals: Float64Array[] };
interface Seen {
  lo: number[];
  hi: number[];
  k: number;
}

/** One linear program over some unknowns, every objective "this one cell", warm-started from the last. */
function program(highs: Highs, rows: readonly Row[], n: number, primal = false) {
  const rhs = rows.map((r) => r.rhs);
  const starts = [0];
  const indices: number[] = [];
  const coefs: number[] = [];
  for (const row of rows) {
    row.cols.forEach((c, i) => (indices.push(c), coefs.push(row.coefs[i]!)));
    starts.push(indices.length);
  }
  const model = highs.createModel({
    numCols: n,
    numRows: rows.length,
    colCost: new Float64Array(n),
    colLower: new Float64Array(n),
    colUpper: new Float64Array(n).fill(highs.infinity),
    rowLower: rhs,
    rowUpper: rhs,
    matrix: { format: 'csr', numRows: rows.length, numCols: n, starts, indices, values: coefs },
  });
  // Only the objective changes between programs, so the last optimum is still feasible and the primal simplex
  // goes on from it; the dual simplex has to regain dual feasibility first (see `bounds`).
  type Options = Parameters<typeof model.options.set>[0];
  model.options.set((primal ? { output_flag: false, simplex_strategy: PRIMAL_SIMPLEX } : { output_flag: false }) as Options);
  const { maximize, minimize } = highs.constants.objectiveSense;
  return {
    model,
    rows,
    /** The optimum of column j (Infinity when unbounded), the point that attains it and the row duals. */
    optimum(j: number, sense: 'max' | 'min', result: AuditResult): { value: number; x: Float64Array; y: Float64Array } {
      model.changeObjectiveSense(sense === 'max' ? maximize : minimize);
      model.changeColCost(j, 1);
      const { modelStatus } = model.run();
      result.solves++;
      // Read before the cost is reset: a changed model has no solution any more.
      const { colValue: x, rowDual: y } = model.getSolution();
      model.changeColCost(j, 0);
      if (modelStatus === highs.constants.modelStatus.unbounded) return { value: Infinity, x, y };
      if (modelStatus !== highs.constants.modelStatus.optimal)
        throw new Error(`disclosure audit: the solver ended with status ${modelStatus}`);
      return { value: x[j]!, x, y };
    },
    /** Some point that satisfies every row (no objective). */
    feasible(result: AuditResult): Float64Array {
      const { modelStatus } = model.run();
      result.solves++;
      if (modelStatus !== highs.constants.modelStatus.optimal)
        throw new Error(`disclosure audit: the relations have no solution (solver status ${modelStatus})`);
      return model.getSolution().colValue;
    },
    dispose: () => model.dispose(),
  };
}
type Program = ReturnType<typeof program>;

const interval = (max: number, min: number) => ({ lower: Math.max(0, Math.ceil(min - EPS)), upper: Math.floor(max + EPS) }); // not −0

/**
 * The exact interval of column j over the whole system, or null when it spans
 * at least k. Every optimum found is a feasible point and widens what was seen.
 * Two programs over the same rows: the maximum comes from `far` (the default dual
 * simplex, whose optimum lands far from the last one and so widens many cells at
 * once), the minimum from `near` (the primal simplex, which goes on from its last
 * optimum; measured on the demo tables about 7× faster per program, but its
 * points widen little).
 */
function bounds(far: Program, near: () => Program, j: number, seen: Seen, result: AuditResult): Found | null {
  const widen = (x: Float64Array) =>
    x.forEach((v, c) => ((seen.lo[c] = Math.min(seen.lo[c]!, v)), (seen.hi[c] = Math.max(seen.hi[c]!, v))));
  const max = far.optimum(j, 'max', result);
  if (max.value === Infinity) return null;
  widen(max.x);
  if (seen.hi[j]! - seen.lo[j]! >= seen.k) return null;
  const min = near().optimum(j, 'min', result);
  widen(min.x);
  const found = interval(max.value, min.value);
  return found.upper - found.lower < seen.k ? { ...found, rows: far.rows, duals: [max.y, min.y] } : null;
}

/**
 * The published cells a narrowed interval rests on. Were a published cell p
 * hidden, it would be one more unknown with its coefficients in its rows; at
 * the optimum that bounds the cell its reduced cost is −Σ y_r·coef_rp. If that
 * is not zero, moving p away from its value moves the bound (down to 0 for a
 * decrease, so only cells above 0 are named). A sum published in full has no
 * row in the programs, so the duals do not see that it would give such a cell
 * away again if it were hidden alone (see `chooseBounding`).
 */
function boundingCells(found: Found, values: readonly (number | null)[]): number[] {
  const out = new Set<number>();
  for (const y of found.duals) {
    const cost = new Map<number, number>();
    found.rows.forEach((row, r) => {
      if (Math.abs(y[r]!) > EPS) for (const { cell, coef } of row.known) cost.set(cell, (cost.get(cell) ?? 0) + y[r]! * coef);
    });
    for (const [cell, c] of cost) if (Math.abs(c) > EPS && (values[cell] ?? 0) > 0) out.add(cell);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * Rows within a number of steps of a column (column → its rows → their
 * columns → …), over one system whose values are all known.
 */
class Neighbourhoods {
  readonly rowsOf: number[][];
  constructor(
    readonly rows: readonly Row[],
    n: number,
    readonly value: (j: number) => number,
  ) {
    this.rowsOf = Array.from({ length: n }, () => []);
    rows.forEach((r, i) => r.cols.forEach((c) => this.rowsOf[c]!.push(i)));
  }

  /** Columns of the rows within `radius` steps of j, those rows, and the rows beyond that also touch the columns. */
  around(j: number, radius: number, limit: number): { cols: number[]; inner: number[]; boundary: number[] } | null {
    const cols = new Set([j]);
    const rows = new Set<number>();
    let frontier = [j];
    for (let step = 0; step < radius && frontier.length > 0; step++) {
      const next: number[] = [];
      for (const c of frontier)
        for (const r of this.rowsOf[c]!) {
          if (rows.has(r)) continue;
          rows.add(r);
          for (const d of this.rows[r]!.cols) if (!cols.has(d)) (cols.add(d), next.push(d));
        }
      if (cols.size > limit) return null;
      frontier = next;
    }
    const boundary = new Set<number>();
    for (const c of frontier) for (const r of this.rowsOf[c]!) if (!rows.has(r)) boundary.add(r);
    return { cols: [...cols], inner: [...rows], boundary: [...boundary] };
  }
}

/**
 * Decides a cell of a large system in growing neighbourhoods, each far cheaper
 * than a program over thousands of unknowns. Two programs bracket the whole
 * system's:
 *  - relaxed: only the rows inside the neighbourhood. An attacker can use just
 *    these, so if its interval is narrower than k the cell is narrowed (to at
 *    most that interval; the whole system may narrow it further).
 *  - restricted: the neighbourhood's unknowns free, every other unknown fixed at
 *    its value, so every row touching the neighbourhood holds. Its points are
 *    feasible for the whole system: if they span k, the cell is protected.
 * Returns 'protected', a narrowed interval, or null when the neighbourhood
 * outgrew `limit` undecided (the caller solves the whole system).
 */
function localBounds(
  j: number,
  near: Neighbourhoods,
  highs: Highs,
  seen: Seen & { limit: number },
  result: AuditResult,
): 'protected' | Found | null {
  // Radius 1 (the cell's own rows) decided no cell on the demo tables; radius 2 holds those rows too, so its
  // relaxed program narrows at least as much.
  for (let radius = 2; ; radius++) {
    const hood = near.around(j, radius, seen.limit);
    if (!hood) return null;
    const local = new Map(hood.cols.map((c, i) => [c, i]));
    const rows = [...hood.inner, ...hood.boundary].map((r) => {
      const row = near.rows[r]!;
      const out: Row = { cols: [], coefs: [], rhs: row.rhs, known: row.known };
      row.cols.forEach((c, i) => {
        const at = local.get(c);
        if (at === undefined) out.rhs -= row.coefs[i]! * near.value(c);
        else (out.cols.push(at), out.coefs.push(row.coefs[i]!));
      });
      return out;
    });
    const p = program(highs, rows, hood.cols.length);
    try {
      const me = local.get(j)!;
      const free = (b: number) => p.model.changeRowBounds(hood.inner.length + b, -highs.infinity, highs.infinity);
      const held = (b: number) =>
        p.model.changeRowBounds(hood.inner.length + b, rows[hood.inner.length + b]!.rhs, rows[hood.inner.length + b]!.rhs);
      hood.boundary.forEach((_, b) => free(b));
      const max = p.optimum(me, 'max', result);
      if (max.value !== Infinity) {
        const min = p.optimum(me, 'min', result);
        const outer = interval(max.value, min.value);
        // The boundary rows are free here: their duals are 0, so only the rows inside name bounding cells.
        if (outer.upper - outer.lower < seen.k) return { ...outer, rows, duals: [max.y, min.y] };
      }
      if (hood.boundary.length === 0) return 'protected'; // the neighbourhood is the whole system
      hood.boundary.forEach((_, b) => held(b));
      const widen = (x: Float64Array) =>
        x.forEach((v, i) => {
          const c = hood.cols[i]!;
          seen.lo[c] = Math.min(seen.lo[c]!, v);
          seen.hi[c] = Math.max(seen.hi[c]!, v);
        });
      const top = p.optimum(me, 'max', result);
      if (top.value === Infinity) return 'protected'; // a feasible ray through the cell
      widen(top.x);
      if (seen.hi[j]! - seen.lo[j]! >= seen.k) return 'protected';
      widen(p.optimum(me, 'min', result).x);
      if (seen.hi[j]! - seen.lo[j]! >= seen.k) return 'protected';
    } finally {
      p.dispose();
    }
  }
}
