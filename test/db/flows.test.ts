import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dimensions } from '../../pipeline/aggregate/measures.ts';
import type { RunReport } from '../../pipeline/run.ts';
import { smallDemoJob, runQuiet } from '../helpers/demo.ts';
import { engines, type TestDatabase } from '../helpers/engines.ts';
import { createRecordDims } from '../helpers/recount.ts';

const K = 3;
/** The published dimensions; grundschulwahl adds up to the Grundschüler, the others to all pupils. */
const DIMENSIONS = dimensions('Stadtteil').map((d) => d.id);

describe.each(engines().map((e) => [e.name, e] as const))('[%s] breakdowns, flows and Einpendler', (_, engine) => {
  let t: TestDatabase;
  let report: RunReport;
  beforeAll(async () => {
    t = await engine.open();
    report = await runQuiet(t.db, smallDemoJob({ keepStaging: true }));
    await createRecordDims(t.db, 'Stadtteil');
  });
  afterAll(() => t?.dispose());

  it('never publishes a count from 1 to k−1, nor a numerator and denominator whose difference is', async () => {
    const [row] = await t.db.query<Record<string, number>>(`SELECT
      (SELECT count(*) FROM published.indicator_values
        WHERE numerator BETWEEN 1 AND ${K - 1} OR denominator BETWEEN 1 AND ${K - 1} OR denominator - numerator BETWEEN 1 AND ${K - 1})::int AS values,
      (SELECT count(*) FROM published.city_values
        WHERE numerator BETWEEN 1 AND ${K - 1} OR denominator BETWEEN 1 AND ${K - 1} OR denominator - numerator BETWEEN 1 AND ${K - 1})::int AS city,
      (SELECT count(*) FROM published.breakdowns WHERE count BETWEEN 1 AND ${K - 1})::int AS breakdowns,
      (SELECT count(*) FROM published.catchments WHERE count BETWEEN 1 AND ${K - 1})::int AS catchments,
      (SELECT count(*) FROM published.school_totals WHERE count BETWEEN 1 AND ${K - 1})::int AS totals,
      (SELECT count(*) FROM published.inflows WHERE count BETWEEN 1 AND ${K - 1})::int AS inflows,
      (SELECT count(*) FROM published.breakdowns WHERE suppressed)::int AS hidden_breakdowns,
      (SELECT count(*) FROM published.catchments WHERE suppressed)::int AS hidden_catchments`);
    expect(row).toMatchObject({ values: 0, city: 0, breakdowns: 0, catchments: 0, totals: 0, inflows: 0 });
    // The small demo has small cells: the test is not vacuous.
    expect(row!.hidden_breakdowns).toBeGreaterThan(100);
    expect(row!.hidden_catchments).toBeGreaterThan(100);
  });

  /** True counts per (level, area, Schuljahr, measure) from the staged records, recounted in SQL. */
  async function recount(): Promise<Map<string, number>> {
    const dims = DIMENSIONS;
    const rows = await t.db.query<{ level: string; area_id: string; schuljahr: string; measure: string; n: number }>(
      [
        `SELECT ra.level, ra.area_id, d.schuljahr, 'pupils' AS measure, sum(d.anzahl)::int AS n
         FROM staging.record_areas ra JOIN staging.record_dims d ON d.id = ra.id GROUP BY 1, 2, 3, 4`,
        ...dims.map(
          (c) => `SELECT ra.level, ra.area_id, d.schuljahr, '${c}:' || d.${c}, sum(d.anzahl)::int
                  FROM staging.record_areas ra JOIN staging.record_dims d ON d.id = ra.id WHERE d.${c} IS NOT NULL GROUP BY 1, 2, 3, 4`,
        ),
      ].join(' UNION ALL '),
    );
    return new Map(rows.map((r) => [`${r.level}|${r.area_id}|${r.schuljahr}|${r.measure}`, r.n]));
  }

  it('publishes breakdowns equal to a recount, and every dimension adds up to the pupils of the area', async () => {
    const truth = await recount();
    const rows = await t.db.query<{
      level: string;
      area_id: string;
      schuljahr: string;
      dimension: string;
      category: string;
      count: number | null;
    }>('SELECT level, area_id, schuljahr, dimension, category, count FROM published.breakdowns');
    for (const r of rows) {
      const n = truth.get(`${r.level}|${r.area_id}|${r.schuljahr}|${r.dimension}:${r.category}`) ?? 0;
      if (r.count !== null) expect(r.count, `${r.level} ${r.area_id} ${r.dimension}:${r.category}`).toBe(n);
    }
    const totals = await t.db.query<{ dimension: string; n: number; pupils: number }>(`
      SELECT b.dimension, sum(b.count)::int AS n, max(v.numerator)::int AS pupils
      FROM published.breakdowns b JOIN published.indicator_values v
        ON v.indicator_id = 'schueler_insgesamt' AND v.level = b.level AND v.area_id = b.area_id AND v.schuljahr = b.schuljahr
      WHERE b.level = 'Stadtbezirk' AND b.schuljahr = '2024/25' AND b.area_id = '1' AND b.dimension <> 'grundschulwahl'
      GROUP BY b.dimension HAVING bool_and(NOT b.suppressed) ORDER BY 1`);
    expect(totals.length).toBeGreaterThanOrEqual(6);
    for (const d of totals) expect(d.n, d.dimension).toBe(d.pupils);
  });

  it('never leaves a hidden cell alone in its dimension or among its siblings and parent, and hides at least k there where it can', async () => {
    const truth = await recount();
    const levels = await t.db.query<{ level: string; parent_level: string | null }>('SELECT level, parent_level FROM published.levels');
    const parentLevel = new Map(levels.map((l) => [l.level, l.parent_level]));
    const rows = await t.db.query<{
      level: string;
      area_id: string;
      parent_id: string | null;
      schuljahr: string;
      measure: string;
      suppressed: boolean;
    }>(`
      SELECT b.level, b.area_id, a.parent_id, b.schuljahr, b.dimension || ':' || b.category AS measure, b.suppressed
      FROM published.breakdowns b JOIN published.areas a USING (level, area_id)
      UNION ALL
      SELECT v.level, v.area_id, a.parent_id, v.schuljahr, 'pupils', v.suppressed
      FROM published.indicator_values v JOIN published.areas a USING (level, area_id) WHERE v.indicator_id = 'schueler_insgesamt'`);
    type Group = { hidden: number; hiddenSum: number; visibleNonZero: number; whole: number; parts: number; wholeHidden: boolean };
    const groups = new Map<string, Group>();
    const add = (key: string, r: (typeof rows)[number], role: 'whole' | 'part') => {
      const g = groups.get(key) ?? { hidden: 0, hiddenSum: 0, visibleNonZero: 0, whole: 0, parts: 0, wholeHidden: false };
      const n = truth.get(`${r.level}|${r.area_id}|${r.schuljahr}|${r.measure}`) ?? 0;
      if (role === 'whole') ((g.whole = n), (g.wholeHidden = r.suppressed));
      else g.parts += n;
      if (r.suppressed) {
        g.hidden++;
        g.hiddenSum += n;
      } else if (n > 0) g.visibleNonZero++;
      groups.set(key, g);
    };
    for (const r of rows) {
      const dimension = r.measure === 'pupils' ? null : r.measure.split(':')[0]!;
      // Within an area: the categories of a dimension and the area's pupils (grundschulwahl adds up to Grundschüler, not pupils).
      if (dimension !== 'grundschulwahl') {
        if (dimension) add(`dim|${r.level}|${r.area_id}|${r.schuljahr}|${dimension}`, r, 'part');
        else
          for (const d of DIMENSIONS.filter((x) => x !== 'grundschulwahl'))
            add(`dim|${r.level}|${r.area_id}|${r.schuljahr}|${d}`, r, 'whole');
      }
      // Among siblings, with their parent as the whole (the city's breakdowns are not published: no group above the coarsest level).
      if (r.parent_id !== null) add(`sib|${r.level}|${r.parent_id}|${r.schuljahr}|${r.measure}`, r, 'part');
      const childLevel = levels.find((l) => l.parent_level === r.level)?.level;
      if (childLevel) add(`sib|${childLevel}|${r.area_id}|${r.schuljahr}|${r.measure}`, r, 'whole');
    }
    // What the children do not cover (records unassigned on the finer level) is never published. While the whole is
    // published it is derivable by subtraction, so a small one counts as hidden; once the whole is hidden it is not
    // derivable and is one more unknown of the group, whatever its size.
    for (const g of groups.values()) {
      const rest = g.whole - g.parts;
      if (rest > 0 && (rest < K || g.wholeHidden)) {
        g.hidden++;
        g.hiddenSum += rest;
      }
    }
    expect(parentLevel.get('Quartier')).toBe('Stadtteil');
    let checked = 0;
    for (const [key, g] of groups) {
      if (g.hidden === 0) continue;
      checked++;
      expect(g.hidden, key).toBeGreaterThanOrEqual(2);
      // At least k hidden, unless every non-zero cell of the group is hidden already.
      if (g.visibleNonZero > 0) expect(g.hiddenSum, key).toBeGreaterThanOrEqual(K);
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('measures the straight-line way to school and the choice among the 3 nearest Grundschulen like a plain recomputation', async () => {
    const records = await t.db.query<{
      id: number;
      x: number;
      y: number;
      schulnummer: string;
      jahrgang: string;
      anzahl: number;
      bezirk: string;
      schuljahr: string;
    }>(`
      SELECT r.id, r.x, r.y, r.schulnummer, r.jahrgang, r.anzahl, ra.area_id AS bezirk, r.schuljahr
      FROM staging.records r JOIN staging.record_areas ra ON ra.id = r.id AND ra.level = 'Stadtbezirk'
      WHERE r.x IS NOT NULL AND r.schuljahr = '2024/25'`);
    // The demo's gazetteer and schools are both EPSG:25832: distances are plain Euclidean.
    const schools = await t.db.query<{ schulnummer: string; schulform: string; x: number; y: number; srid: number }>(
      'SELECT schulnummer, schulform, x, y, srid FROM staging.schools',
    );
    expect(new Set(schools.map((s) => s.srid))).toEqual(new Set([25832]));
    const byNr = new Map(schools.map((s) => [s.schulnummer, s]));
    const grundschulen = schools.filter((s) => s.schulform === '02');
    const expected = new Map<string, number>();
    const inc = (key: string, n: number) => expected.set(key, (expected.get(key) ?? 0) + n);
    for (const r of records) {
      const s = byNr.get(r.schulnummer)!;
      const d = Math.hypot(s.x - r.x, s.y - r.y);
      const bin = d < 1000 ? 'unter_1km' : d < 2000 ? '1_bis_2km' : d < 5000 ? '2_bis_5km' : d < 10000 ? '5_bis_10km' : 'ab_10km';
      inc(`${r.bezirk}|schulweg:${bin}`, r.anzahl);
      if (s.schulform === '02' && ['01', '02', '03', '04'].includes(r.jahrgang)) {
        const nearest = grundschulen
          .map((g) => ({ nr: g.schulnummer, d: Math.hypot(g.x - r.x, g.y - r.y) }))
          .sort((a, b) => a.d - b.d || a.nr.localeCompare(b.nr))
          .slice(0, 3)
          .map((g) => g.nr);
        inc(`${r.bezirk}|grundschulwahl:${nearest.includes(r.schulnummer) ? 'naechste_3' : 'andere'}`, r.anzahl);
      }
    }
    const published = await t.db.query<{ area_id: string; dimension: string; category: string; count: number }>(`
      SELECT area_id, dimension, category, count FROM published.breakdowns
      WHERE level = 'Stadtbezirk' AND schuljahr = '2024/25' AND NOT suppressed
        AND dimension IN ('schulweg', 'grundschulwahl') AND category NOT IN ('unbekannt')`);
    expect(published.length).toBeGreaterThan(30);
    for (const p of published)
      expect(p.count, `${p.area_id} ${p.category}`).toBe(expected.get(`${p.area_id}|${p.dimension}:${p.category}`) ?? 0);
  });

  it('publishes each school’s catchment and the Einpendler by origin, consistent with the school’s total', async () => {
    const rows = await t.db.query<{
      schulnummer: string;
      schuljahr: string;
      total: number | null;
      resident: number | null;
      hidden: number;
      inflow: number | null;
      staged: number;
    }>(`
      SELECT s.schulnummer, s.schuljahr, s.count AS total,
        (SELECT sum(c.count) FROM published.catchments c WHERE c.schulnummer = s.schulnummer AND c.schuljahr = s.schuljahr AND c.level = 'Stadtbezirk')::int AS resident,
        (SELECT count(*) FROM published.catchments c WHERE c.schulnummer = s.schulnummer AND c.schuljahr = s.schuljahr AND c.level = 'Stadtbezirk' AND c.suppressed)::int AS hidden,
        (SELECT sum(i.count) FROM published.inflows i WHERE i.schulnummer = s.schulnummer AND i.schuljahr = s.schuljahr)::int AS inflow,
        (SELECT sum(anzahl) FROM staging.records r WHERE r.schulnummer = s.schulnummer AND r.schuljahr = s.schuljahr)::int AS staged
      FROM published.school_totals s`);
    expect(rows.length).toBeGreaterThan(40);
    for (const r of rows) {
      if (r.total !== null) expect(r.total).toBe(r.staged);
      // Published parts never exceed the whole.
      expect((r.resident ?? 0) + (r.inflow ?? 0)).toBeLessThanOrEqual(r.staged);
    }
    const origins = await t.db.query<{
      origin_id: string;
      kind: string;
      name: string;
      has_geom: boolean;
      total: number | null;
      staged: number;
    }>(`
      SELECT o.origin_id, o.kind, o.name, o.geom IS NOT NULL AS has_geom,
        (SELECT sum(i.count) FROM published.inflows i WHERE i.origin_id = o.origin_id AND i.schulnummer = '' )::int AS total,
        (SELECT coalesce(sum(anzahl), 0) FROM staging.records r WHERE r.origin = o.origin_id)::int AS staged
      FROM published.origins o ORDER BY o.origin_id`);
    expect(origins.map((o) => [o.origin_id, o.kind, o.name, o.has_geom])).toEqual([
      ['05117000', 'gemeinde', 'Mülheim an der Ruhr', true],
      ['05119000', 'gemeinde', 'Oberhausen', true],
      ['05512000', 'gemeinde', 'Bottrop', true],
      ['05513000', 'gemeinde', 'Gelsenkirchen', true],
      ['05562014', 'gemeinde', 'Gladbeck', true],
      ['05911000', 'gemeinde', 'Bochum', true],
      ['05916000', 'gemeinde', 'Herne', true],
      ['ausland', 'ausland', 'Ausland', false],
      ['land:03', 'land', 'Niedersachsen', false],
      ['land:06', 'land', 'Hessen', false],
    ]);
    for (const o of origins.filter((x) => x.kind === 'gemeinde')) {
      expect(o.staged).toBeGreaterThan(20);
      // summed over the three Schuljahre; a year may be hidden only when small
      expect(o.total === null || o.total <= o.staged).toBe(true);
    }
    expect(report.account.origins).toEqual({
      gemeinde: origins.filter((o) => o.kind === 'gemeinde').reduce((s, o) => s + o.staged, 0),
      land: origins.filter((o) => o.kind === 'land').reduce((s, o) => s + o.staged, 0),
      ausland: origins.find((o) => o.kind === 'ausland')!.staged,
    });
  });

  it('publishes the city values as the sum over the Stadtbezirke', async () => {
    const rows = await t.db.query<{ schuljahr: string; city: number; staged: number }>(`
      SELECT c.schuljahr, c.numerator AS city,
             (SELECT sum(r.anzahl)::int FROM staging.records r JOIN staging.record_areas ra ON ra.id = r.id AND ra.level = 'Stadtbezirk'
              WHERE r.schuljahr = c.schuljahr) AS staged
      FROM published.city_values c WHERE c.indicator_id = 'schueler_insgesamt' ORDER BY 1`);
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r.city).toBe(r.staged);
    const rates = await t.db.query<{ indicator_id: string; value: number | null }>(
      `SELECT indicator_id, value FROM published.city_values WHERE schuljahr = '2024/25' AND indicator_id LIKE 'anteil_%' ORDER BY 1`,
    );
    expect(rates.map((r) => r.indicator_id)).toEqual([
      'anteil_familiensprache_nicht_deutsch',
      'anteil_foerderschwerpunkt',
      'anteil_gymnasium_sek1',
      'anteil_nicht_naechste_grundschule',
      'anteil_schule_ausserhalb_gebiet',
      'anteil_schule_ausserhalb_stadt',
      'anteil_staatsangehoerigkeit_nicht_deutsch',
      'anteil_zuzug_3_jahre',
    ]);
    // Every school of the demo lies in the city: 0 % outside is a published 0, not a gap.
    expect(rates.find((r) => r.indicator_id === 'anteil_schule_ausserhalb_stadt')!.value).toBe(0);
    for (const r of rates) expect(r.value, r.indicator_id).not.toBeNull();
  });

  it('reports the match rate per Schuljahr and per school from the same account', () => {
    const schools = Object.values(report.matchRateBySchool);
    const inCity = report.account.rows - (report.account.buckets['other_municipality']?.rows ?? 0);
    expect(schools.reduce((s, x) => s + x.records, 0)).toBe(inCity);
    expect(schools.reduce((s, x) => s + x.assigned, 0)).toBe(
      Object.entries(report.account.buckets)
        .filter(([b]) => b.startsWith('assigned:'))
        .reduce((s, [, b]) => s + b.rows, 0),
    );
    expect(Object.keys(report.matchRateBySchuljahr)).toEqual(['2022/23', '2023/24', '2024/25']);
    for (const rate of Object.values(report.matchRateBySchuljahr)) expect(rate).toBeGreaterThan(0.98);
  });
});
