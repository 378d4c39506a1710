import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditSuppression } from '../../pipeline/protect/audit.ts';
import { createApp } from '../../server/app.ts';
import { createPublicationState } from '../../server/publication.ts';
import { runQuiet, smallDemoJob } from '../helpers/demo.ts';
import { engines, type TestDatabase } from '../helpers/engines.ts';
import { coveringTiles, decodeTile } from '../helpers/tiles.ts';

/**
 * Privacy audit that plays the attacker. It collects every number that the API,
 * the decoded indicator tiles and the three export formats publish for the demo,
 * together with the additive relations an attacker knows from the registry and
 * the API's structure: a rate's numerator is part of its denominator, the
 * children of an area add up to at most the area (and the coarsest level to the
 * city), an area's pupils add up exactly over the schools they attend, a
 * school's residents at each level add up to its parents', a school's total
 * holds its residents and Einpendler, an origin's Einpendler add up over the
 * schools. It then checks three things:
 *
 * 1. No count from 1 to k−1 appears anywhere, neither as a published number nor
 *    as one that follows from the published numbers of one relation (a rate's
 *    complement, the remainder of a whole minus its published parts).
 * 2. Every number is the same wherever it is published: a tile or an export that
 *    showed a value the API withholds would be a leak.
 * 3. `Ledger.solve` solves all relations at once as a linear program (the
 *    smallest and the largest value of each withheld number given everything
 *    published and that counts are not negative) and flags a withheld number
 *    narrowed to an interval narrower than k that reaches into 1…k−1. An
 *    interval at k or above reveals only what could have been published.
 *
 * The attacker knows no more than the public outputs: the pipeline's own count
 * table is not used, so a relation the pipeline forgot would show here.
 */

type Num = number | null;
/** A published number and what identifies it across outputs. */
type Term = readonly [identity: string, n: Num];

class Ledger {
  readonly violations: string[] = [];
  /** identity → number, to check that every format agrees. */
  private readonly seen = new Map<string, Num>();
  /** whole = Σ parts, plus an unseen residual unless exhaustive. */
  private readonly relations = new Map<string, { whole: string; parts: string[]; exhaustive: boolean }>();
  checked = 0;

  constructor(readonly k: number) {}

  /** A published count (null = withheld). */
  count(n: Num, where: string) {
    if (n === null || n === undefined) return;
    this.checked++;
    if (!Number.isInteger(n) || n < 0) this.violations.push(`${where}: not a count: ${n}`);
    else if (n > 0 && n < this.k) this.violations.push(`${where}: ${n}`);
  }

  /** The same identity must carry the same number (or the same null) everywhere. */
  same(identity: string, n: Num, where: string) {
    const before = this.seen.get(identity);
    if (before === undefined) this.seen.set(identity, n);
    else if (before !== n) this.violations.push(`${where}: ${identity} is ${n} here and ${before} elsewhere`);
  }

  /**
   * whole = Σ parts (+ a residual unless `exhaustive`). What the published parts
   * leave over is known to the attacker: it must be 0 or at least k.
   */
  remainder(whole: Num, parts: readonly Num[], exhaustive: boolean, where: string) {
    if (whole === null) return;
    const known = parts.reduce<number>((s, p) => s + (p ?? 0), 0);
    const rest = whole - known;
    const hidden = parts.some((p) => p === null);
    if (rest < 0) this.violations.push(`${where}: parts exceed the whole by ${-rest}`);
    else if (exhaustive && !hidden && rest !== 0) this.violations.push(`${where}: parts miss ${rest} of the whole`);
    else this.count(rest, `${where} (remainder)`);
  }

  /** A relation between published numbers, checked on its own now and with all others by `solve`. */
  relate(whole: Term, parts: readonly Term[], exhaustive: boolean, where: string) {
    for (const [identity, n] of [whole, ...parts]) this.same(identity, n, where);
    const relation = { whole: whole[0], parts: parts.map(([identity]) => identity), exhaustive };
    this.relations.set(JSON.stringify(relation), relation); // many rates share a denominator
    this.remainder(whole[1], parts.map(([, n]) => n), exhaustive, where);
  }

  /** The linear-programming attacker over every relation at once. */
  async solve() {
    const identities = [...this.seen.keys()];
    const at = new Map(identities.map((id, i) => [id, i]));
    const values: Num[] = identities.map((id) => this.seen.get(id)!);
    const equations = [...this.relations.values()].map((r) => {
      const eq = [at.get(r.whole)!, ...r.parts.map((p) => at.get(p)!)];
      if (!r.exhaustive) eq.push(values.push(null) - 1); // the residual: never seen
      return eq;
    });
    const withheld = new Set(identities.flatMap((_, i) => (values[i] === null ? [i] : [])));
    const { narrowed } = await auditSuppression({
      values,
      status: values.map((v) => (v === null ? 'secondary' : null)),
      equations,
      minCount: this.k,
      cells: withheld,
    });
    for (const { cell, lower, upper } of narrowed)
      if (lower < this.k && upper >= 1) this.violations.push(`${identities[cell]}: withheld, but between ${lower} and ${upper}`);
  }

  rate(num: Num, den: Num, value: Num, where: string) {
    this.count(num, `${where} numerator`);
    this.count(den, `${where} denominator`);
    if (num !== null && den !== null) this.count(den - num, `${where} complement`);
    if (num === null && value !== null) this.violations.push(`${where}: value ${value} published without its numerator`);
  }

  share(count: Num, share: Num, where: string) {
    if (count === null && share !== null) this.violations.push(`${where}: share ${share} published for a withheld count`);
  }
}

function group<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = m.get(k);
    if (list) list.push(t);
    else m.set(k, [t]);
  }
  return m;
}

/** Parses the export's CSV (`;`, quotes) into objects by header. */
function csvRows(text: string): Record<string, string>[] {
  const lines = text.replace(/^\ufeff/, '').trimEnd().split('\r\n');
  const split = (l: string) => [...l.matchAll(/("(?:[^"]|"")*"|[^;]*)(;|$)/g)].slice(0, -1).map((m) => m[1]!.replace(/^"|"$/g, ''));
  const head = split(lines[0]!);
  return lines.slice(1).map((l) => Object.fromEntries(split(l).map((v, i) => [head[i]!, v])));
}
const num = (s: string | undefined | null): Num => (s === undefined || s === null || s === '' ? null : Number(s));

type App = ReturnType<typeof createApp>;

async function json(app: App, url: string) {
  const res = await app.request(url);
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  return (await res.json()) as any;
}

/** The attacker: crawls everything public and records it in the ledger. */
async function audit(app: App, k: number): Promise<Ledger> {
  const L = new Ledger(k);
  const { levels } = await json(app, '/api/levels');
  const { indicators, schuljahre } = await json(app, '/api/indicators');
  const areasOf = new Map<string, { areaId: string; parentId: string | null }[]>();
  for (const l of levels) areasOf.set(l.level, (await json(app, `/api/levels/${encodeURIComponent(l.level)}/areas`)).areas);
  const countIds = new Set(indicators.filter((i: any) => i.kind === 'count').map((i: any) => i.id));
  const byId = new Map<string, { denominator: string | null }>(indicators.map((i: any) => [i.id, i]));
  // Identities: a numerator is its indicator's, and so is a denominator, except that
  // the registry's "Schülerinnen und Schüler" is the count schueler_insgesamt.
  // (Titles alone do not identify: two examinations may both count "untersuchte Kinder".)
  const numId = (ind: string, level: string, areaId: string, sj: string) => `v/${ind}/${level}/${areaId}/${sj}`;
  const denId = (ind: string, level: string, areaId: string, sj: string) => {
    const d = byId.get(ind)!.denominator!;
    return d === 'Schülerinnen und Schüler' ? numId('schueler_insgesamt', level, areaId, sj) : `${numId(ind, level, areaId, sj)}/den`;
  };
  const CITY = ['@city', ''] as const;

  // Indicator values per level, and every whole against its children.
  for (const ind of indicators)
    for (const sj of schuljahre) {
      const isCount = countIds.has(ind.id);
      const byLevel = new Map<string, Map<string, { numerator: Num; denominator: Num }>>();
      let city: { numerator: Num; denominator: Num; value: Num } | null = null;
      const terms = (level: string, areaId: string, v: { numerator: Num; denominator: Num } | undefined) => ({
        numerator: [numId(ind.id, level, areaId, sj), v?.numerator ?? null] as const,
        denominator: [isCount ? '' : denId(ind.id, level, areaId, sj), v?.denominator ?? null] as const,
      });
      for (const l of levels) {
        const r = await json(app, `/api/indicators/${ind.id}/values?level=${encodeURIComponent(l.level)}&schuljahr=${sj}`);
        const at = `values ${ind.id} ${l.level} ${sj}`;
        for (const v of r.values) {
          L.rate(v.numerator, isCount ? null : v.denominator, v.value, `${at} ${v.areaId}`);
          const t = terms(l.level, v.areaId, v);
          if (isCount) L.same(...t.numerator, at);
          else L.relate(t.denominator, [t.numerator], false, `${at} ${v.areaId}: denominator − numerator`);
        }
        const published = r.values.filter((v: any) => v.value !== null).map((v: any) => v.value);
        if (published.length > 0) {
          const mean = published.reduce((s: number, x: number) => s + x, 0) / published.length;
          if (Math.abs(mean - r.stats.mean) > 1e-3) L.violations.push(`${at}: mean ${r.stats.mean} is not the mean of the published values`);
        }
        byLevel.set(l.level, new Map(r.values.map((v: any) => [v.areaId, v])));
        city = r.city;
      }
      L.rate(city!.numerator, isCount ? null : city!.denominator, city!.value, `values ${ind.id} city ${sj}`);
      const c = terms(...CITY, city!);
      if (!isCount) L.relate(c.denominator, [c.numerator], false, `values ${ind.id} city ${sj}: denominator − numerator`);
      for (const part of ['numerator', 'denominator'] as const) {
        if (part === 'denominator' && isCount) continue;
        const top = levels[0].level;
        L.relate(c[part], [...byLevel.get(top)!].map(([areaId, v]) => terms(top, areaId, v)[part]), false,
          `values ${ind.id} ${sj} ${part}: city − ${top}`);
        for (let i = 1; i < levels.length; i++) {
          const parents = byLevel.get(levels[i - 1].level)!;
          const children = group(areasOf.get(levels[i].level)!, (a) => a.parentId ?? '');
          for (const [parentId, kids] of children) {
            const p = parents.get(parentId);
            if (!p) continue;
            const values = byLevel.get(levels[i].level)!;
            L.relate(terms(levels[i - 1].level, parentId, p)[part], kids.map((k) => terms(levels[i].level, k.areaId, values.get(k.areaId))[part]), false,
              `values ${ind.id} ${sj} ${part}: ${levels[i - 1].level} ${parentId} − children`);
          }
        }
      }
    }

  // Profiles: every number again, and the same as in the values.
  for (const l of levels)
    for (const a of areasOf.get(l.level)!) {
      const p = await json(app, `/api/areas/${encodeURIComponent(l.level)}/${encodeURIComponent(a.areaId)}`);
      for (const { indicator, series, parent, city } of p.indicators)
        for (const [whose, values] of [['series', series], ['parent', parent ?? []], ['city', city]] as const)
          for (const v of values) {
            const at = `profile ${l.level} ${a.areaId} ${indicator.id} ${whose} ${v.schuljahr}`;
            L.rate(v.numerator, countIds.has(indicator.id) ? null : v.denominator, v.value, at);
            if (whose === 'series') L.same(`v/${indicator.id}/${l.level}/${a.areaId}/${v.schuljahr}`, v.numerator, at);
          }
    }

  // Schools: catchments against totals and Einpendler, and each area's schools.
  // A school or an area that a listing leaves out is a published zero.
  const { schools } = await json(app, '/api/schools');
  const catchment = (schulnummer: string, level: string, areaId: string, sj: string) => `c/${schulnummer}/${level}/${areaId}/${sj}`;
  for (const sj of schuljahre) {
    const flows = await json(app, `/api/flows/gemeinden?schuljahr=${sj}`);
    const originTotals = new Map<string, Num>(flows.origins.map((o: any) => [o.originId, o.count]));
    for (const o of flows.origins) L.count(o.count, `flows ${sj} ${o.originId}`);
    const perOrigin = new Map<string, Term[]>();
    for (const s of schools) {
      const f = await json(app, `/api/flows/gemeinden?schuljahr=${sj}&schulnummer=${s.schulnummer}`);
      const inflow: Term[] = [];
      for (const o of f.origins) {
        L.count(o.count, `flows ${sj} ${o.originId} → ${s.schulnummer}`);
        const t = [`f/${sj}/${o.originId}/${s.schulnummer}`, o.count] as const;
        inflow.push(t);
        perOrigin.set(o.originId, [...(perOrigin.get(o.originId) ?? []), t]);
      }
      const byLevel = new Map<string, Map<string, Num>>();
      for (const l of levels) {
        const c = await json(app, `/api/schools/${s.schulnummer}/catchment?schuljahr=${sj}&level=${encodeURIComponent(l.level)}`);
        const at = `catchment ${s.schulnummer} ${sj} ${l.level}`;
        L.count(c.total.count, `${at} total`);
        L.same(`school/${s.schulnummer}/${sj}`, c.total.count, at);
        for (const a of c.areas) {
          L.count(a.count, `${at} ${a.areaId}`);
          L.share(a.count, a.share, `${at} ${a.areaId}`);
          L.same(catchment(s.schulnummer, l.level, a.areaId, sj), a.count, at);
        }
        byLevel.set(l.level, new Map(c.areas.map((a: any) => [a.areaId, a.count])));
        if (l === levels[0]) {
          const residents = c.areas.map((a: any) => [catchment(s.schulnummer, l.level, a.areaId, sj), a.count] as const);
          L.relate([`school/${s.schulnummer}/${sj}`, c.total.count], [...residents, ...inflow], false, `${at}: total − residents − Einpendler`);
        }
      }
      for (let i = 1; i < levels.length; i++) {
        const term = (level: string, areaId: string): Term => {
          const values = byLevel.get(level)!;
          return [catchment(s.schulnummer, level, areaId, sj), values.has(areaId) ? values.get(areaId)! : 0];
        };
        for (const [parentId, kids] of group(areasOf.get(levels[i].level)!, (a) => a.parentId ?? ''))
          L.relate(term(levels[i - 1].level, parentId), kids.map((k) => term(levels[i].level, k.areaId)), false,
            `catchment ${s.schulnummer} ${sj}: ${levels[i - 1].level} ${parentId} − children`);
      }
    }
    for (const [originId, terms] of perOrigin)
      L.relate([`o/${sj}/${originId}`, originTotals.get(originId) ?? null], terms, true, `flows ${sj} ${originId}: total − schools`);

    for (const l of levels)
      for (const a of areasOf.get(l.level)!) {
        const r = await json(app, `/api/areas/${encodeURIComponent(l.level)}/${encodeURIComponent(a.areaId)}/schools?schuljahr=${sj}`);
        const at = `area schools ${l.level} ${a.areaId} ${sj}`;
        L.count(r.total.count, `${at} total`);
        for (const s of r.schools) {
          L.count(s.count, `${at} ${s.schulnummer}`);
          L.share(s.count, s.share, `${at} ${s.schulnummer}`);
        }
        L.relate(
          [numId('schueler_insgesamt', l.level, a.areaId, sj), r.total.count],
          r.schools.map((s: any) => [catchment(s.schulnummer, l.level, a.areaId, sj), s.count] as const),
          true,
          `${at}: pupils − schools`,
        );
      }
  }

  // Indicator tiles, decoded, at a zoom where each area is in a few tiles.
  const { bounds } = await json(app, '/tiles/areas.json');
  for (const ind of indicators)
    for (const sj of schuljahre) {
      const tj = await json(app, `/tiles/indicator/${ind.id}/${sj.replace('/', '-')}.json`);
      const url = tj.tiles[0] as string;
      for (const [z, x, y] of coveringTiles(bounds, 11, 11)) {
        const res = await app.request(new URL(url.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y))).pathname);
        if (res.status === 204) continue;
        for (const [layer, features] of decodeTile(new Uint8Array(await res.arrayBuffer())))
          for (const f of features.values()) {
            const p = f.properties as Record<string, any>;
            const at = `tile ${ind.id} ${sj} ${layer} ${p.area_id}`;
            L.rate(p.numerator ?? null, countIds.has(ind.id) ? null : (p.denominator ?? null), p.value ?? null, at);
            L.same(`v/${ind.id}/${layer}/${p.area_id}/${sj}`, p.numerator ?? null, at);
          }
      }
    }

  // Exports: CSV, GeoJSON, XLSX of every level.
  for (const l of levels) {
    const base = `/api/export/${encodeURIComponent(l.level)}`;
    const fromRow = (r: Record<string, unknown>, format: string) => {
      const at = `${format} ${l.level} ${r.area_id} ${r.schuljahr} ${r.indicator}`;
      const n = typeof r.numerator === 'number' ? r.numerator : num(r.numerator as string);
      const d = typeof r.denominator === 'number' ? r.denominator : num(r.denominator as string);
      const v = typeof r.value === 'number' ? r.value : num(r.value as string);
      L.rate(n, countIds.has(r.indicator as string) ? null : d, v, at);
      L.same(`v/${r.indicator}/${l.level}/${r.area_id}/${r.schuljahr}`, n, at);
      if (!countIds.has(r.indicator as string)) L.same(denId(r.indicator as string, l.level, r.area_id as string, r.schuljahr as string), d, at);
    };
    for (const r of csvRows(await (await app.request(`${base}.csv`)).text())) fromRow(r, 'csv');
    for (const f of JSON.parse(await (await app.request(`${base}.geojson`)).text()).features) fromRow(f.properties, 'geojson');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await (await app.request(`${base}.xlsx`)).arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('Werte')!;
    const head = Array.from(sheet.getRow(1).values as unknown[], String); // 1-based and sparse
    sheet.eachRow((row, i) => {
      if (i === 1) return;
      const values = row.values as unknown[];
      fromRow(Object.fromEntries(head.map((h, j) => [h, values[j] ?? null])), 'xlsx');
    });
  }
  return L;
}

describe('the ledger', () => {
  it.each([
    ['a count below k', (l: Ledger) => l.count(2, 'x'), ['x: 2']],
    ['a complement below k', (l: Ledger) => l.rate(8, 9, 88.9, 'x'), ['x complement: 1']],
    ['a remainder below k', (l: Ledger) => l.remainder(20, [10, 8, null], false, 'x'), ['x (remainder): 2']],
    ['a residual below k', (l: Ledger) => l.remainder(20, [10, 9], false, 'x'), ['x (remainder): 1']],
    ['an exact whole with all parts known', (l: Ledger) => l.remainder(20, [10, 10, 0], true, 'x'), []],
    ['a value without numerator', (l: Ledger) => l.rate(null, 40, 12.5, 'x'), ['x: value 12.5 published without its numerator']],
    ['a share of a withheld count', (l: Ledger) => l.share(null, 0.1, 'x'), ['x: share 0.1 published for a withheld count']],
    ['a number two formats disagree on', (l: Ledger) => (l.same('a', null, 'api'), l.same('a', 4, 'tile')), ['tile: a is 4 here and null elsewhere']],
  ])('flags %s', (_name, act, expected) => {
    const l = new Ledger(3);
    act(l);
    expect(l.violations).toEqual(expected);
  });

  it('flags withheld numbers that the relations together narrow below k, though each relation alone does not', async () => {
    // The 3 × 3 table of the audit's unit test: x00 + x11 = 2 follows from rows 0, 1 and column 2.
    const x: Num[][] = [
      [null, 6, null],
      [4, null, null],
      [null, null, 8],
    ];
    const l = new Ledger(3);
    const cell = (i: number, j: number): Term => [`x${i}${j}`, x[i]![j]!];
    [11, 8, 19].forEach((n, i) => l.relate([`r${i}`, n], [0, 1, 2].map((j) => cell(i, j)), true, `row ${i}`));
    [13, 10, 15].forEach((n, j) => l.relate([`c${j}`, n], [0, 1, 2].map((i) => cell(i, j)), true, `column ${j}`));
    expect(l.violations).toEqual([]);
    await l.solve();
    // x00 and x11 are 1 and known to be 0…2; x12 and x21 are 3 and known to be 2…4, so they could be 2.
    expect(l.violations).toEqual([
      'x00: withheld, but between 0 and 2',
      'x11: withheld, but between 0 and 2',
      'x12: withheld, but between 2 and 4',
      'x21: withheld, but between 2 and 4',
    ]);
  });
});

// The audit's conclusions are about published content, which both engines build the
// same way (the cross-engine tests compare it); it runs on the embedded engine.
describe.each([3, 5])('privacy audit of everything published with k = %i [pglite]', (k) => {
  let t: TestDatabase;
  let app: App;
  beforeAll(async () => {
    t = await engines()[0]!.open();
    const publication = createPublicationState(() => t.db);
    app = createApp({ getDb: () => t.db, webDist: null, publication });
    await runQuiet(t.db, smallDemoJob({ disclosure: { minCount: k, minDenominator: 10 } }));
    publication.invalidate();
  }, 300_000);
  afterAll(() => t?.dispose());

  it('finds no count from 1 to k−1, no withheld number the relations together narrow below k, and no number two outputs disagree on', async () => {
    const ledger = await audit(app, k);
    await ledger.solve();
    expect(ledger.violations.slice(0, 20)).toEqual([]);
    // The audit saw the demo's numbers, not an empty publication.
    expect(ledger.checked).toBeGreaterThan(50_000);
  }, 600_000);

  it('leaves staging empty after the run, so nothing raw stays behind', async () => {
    const rows = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'staging'`,
    );
    expect(rows[0]!.n).toBe(0);
  });
});
