import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunReport } from '../../pipeline/run.ts';
import { importOffers } from '../../pipeline/offers.ts';
import { parseJob } from '../../pipeline/job.ts';
import { smallDemoJob, runQuiet } from '../helpers/demo.ts';
import { engines, type TestDatabase } from '../helpers/engines.ts';

describe.each(engines().map((e) => [e.name, e] as const))('[%s] pipeline on the small Musterstadt', (_, engine) => {
  let t: TestDatabase;
  let report: RunReport;
  beforeAll(async () => {
    t = await engine.open();
    // keepStaging: the tests below recount from the raw records.
    report = await runQuiet(t.db, smallDemoJob({ keepStaging: true }));
  });
  afterAll(() => t?.dispose());

  it('accounts for every input record in exactly one bucket', () => {
    const inBuckets = Object.values(report.account.buckets).reduce((s, b) => s + b.rows, 0);
    const perFile = report.account.perFile.reduce((s, f) => s + f.rows, 0);
    expect(inBuckets).toBe(report.account.rows);
    expect(perFile).toBe(report.account.rows);
    // Each demo file has one header and one line per record.
    const lines = report.account.perFile.reduce((s, f) => s + fs.readFileSync(f.file, 'latin1').trim().split(/\r\n/).length - 1, 0);
    expect(report.account.rows).toBe(lines);
  });

  it('detects the encodings and delimiters of the three demo files', () => {
    expect(report.account.perFile.map((f) => [f.encoding, f.delimiter])).toEqual([
      ['windows-1252', ';'],
      ['utf-8', ';'],
      ['utf-8', ','],
    ]);
  });

  it('publishes schueler_insgesamt equal to a recount of the staged records, suppressed only below k', async () => {
    const rows = await t.db.query<{
      level: string;
      area_id: string;
      schuljahr: string;
      published: number | null;
      reason: string | null;
      recount: number;
    }>(
      `SELECT v.level, v.area_id, v.schuljahr, v.numerator AS published, v.reason,
              coalesce((SELECT sum(r.anzahl) FROM staging.record_areas ra JOIN staging.records r ON r.id = ra.id
                        WHERE ra.level = v.level AND ra.area_id = v.area_id AND r.schuljahr = v.schuljahr), 0)::int AS recount
       FROM published.indicator_values v WHERE v.indicator_id = 'schueler_insgesamt'`,
    );
    expect(rows.length).toBe((8 + 40 + 129) * 3);
    for (const r of rows) {
      if (r.reason === null) expect(r.published).toBe(r.recount);
      else if (r.reason === 'count_below_k') expect([1, 2]).toContain(r.recount);
      else expect(r.reason).toBe('secondary');
    }
    const assigned = Object.entries(report.account.buckets)
      .filter(([k]) => k.startsWith('assigned:'))
      .reduce((s, [, b]) => s + b.rows, 0);
    const [onCoarsest] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM staging.record_areas WHERE level = 'Stadtbezirk'`);
    expect(onCoarsest!.n).toBe(assigned - report.unassignedPerLevel['Stadtbezirk']!);
  });

  it('publishes the context indicators on every level, Stadtteil sums equal to the input', async () => {
    const csv = fs
      .readFileSync(path.join(inject('smallDemo'), 'out/kontextindikatoren.csv'), 'utf8')
      .trim()
      .split('\r\n')
      .slice(1);
    const population = new Map(
      csv
        .map((l) => l.split(';'))
        .filter((f) => f[1] === '2024/25' && f[2] === 'einwohner_gesamt')
        .map((f) => [f[0]!, Number(f[3])]),
    );
    const rows = await t.db.query<{ level: string; area_id: string; numerator: number | null }>(
      `SELECT level, area_id, numerator FROM published.indicator_values WHERE indicator_id = 'einwohner_gesamt' AND schuljahr = '2024/25'`,
    );
    expect(rows.filter((r) => r.level === 'Quartier')).toHaveLength(129);
    const areas = await t.db.query<{ area_id: string; parent_id: string }>(
      `SELECT area_id, parent_id FROM published.areas WHERE level = 'Quartier'`,
    );
    const teil = rows.find((r) => r.level === 'Stadtteil' && r.numerator !== null)!;
    const expected = areas.filter((a) => a.parent_id === teil.area_id).reduce((s, a) => s + population.get(a.area_id)!, 0);
    expect(teil.numerator).toBe(expected);
    const [def] = await t.db.query<{ theme: string; polarity: string }>(
      `SELECT theme, polarity FROM published.indicators WHERE id = 'sgb2_quote_unter_15'`,
    );
    expect(def).toEqual({ theme: 'Soziale Lage', polarity: 'higher_is_worse' });
  });

  it('publishes nothing between 1 and k−1 and gives every suppressed value a reason', async () => {
    const [bad] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM published.indicator_values
       WHERE (numerator BETWEEN 1 AND 2) OR (denominator BETWEEN 1 AND 2) OR (denominator - numerator BETWEEN 1 AND 2)
          OR (suppressed AND reason IS NULL) OR (suppressed AND value IS NOT NULL)`,
    );
    expect(bad!.n).toBe(0);
  });

  it('builds three nested levels with numeric feature ids and parent chains', async () => {
    const rows = await t.db.query<{ level: string; n: number; with_parents: number }>(
      `SELECT level, count(*)::int AS n, count(*) FILTER (WHERE parents <> '{}'::jsonb)::int AS with_parents
       FROM published.areas GROUP BY level ORDER BY min((SELECT ordinal FROM published.levels l WHERE l.level = areas.level))`,
    );
    expect(rows).toEqual([
      { level: 'Stadtbezirk', n: 8, with_parents: 0 },
      { level: 'Stadtteil', n: 40, with_parents: 40 },
      { level: 'Quartier', n: 129, with_parents: 129 },
    ]);
  });

  it('writes unmatched addresses to an owner-only file, not to the report', () => {
    expect(fs.statSync(report.quarantineFile).mode & 0o777).toBe(0o600);
    const lines = fs.readFileSync(report.quarantineFile, 'utf8').trim().split('\r\n');
    const unmatched = Object.entries(report.account.buckets)
      .filter(([k]) => k.startsWith('unmatched:') || k.startsWith('rejected:'))
      .reduce((s, [, b]) => s + b.rows, 0);
    expect(lines.length - 1).toBe(unmatched);
    expect(JSON.stringify(report)).not.toMatch(/straße|strasse/i);
  });

  it('publishes the same content under the same data version when run again, and drops staging without keepStaging', async () => {
    const again = await runQuiet(t.db, smallDemoJob());
    expect(again.dataVersion).toBe(report.dataVersion);
    const [row] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'staging'`,
    );
    expect(row!.n).toBe(0);
  });

  it('keeps the previous publication when a run fails', async () => {
    const broken = smallDemoJob({ schools: { file: 'out/fehlt.csv', format: 'msb' } });
    await expect(runQuiet(t.db, broken)).rejects.toThrow(/fehlt\.csv: file not found/);
    const [pub] = await t.db.query<{ data_version: string }>('SELECT data_version FROM meta.publication');
    expect(pub!.data_version).toBe(report.dataVersion);
    const [failed] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM meta.runs WHERE status = 'failed'`);
    expect(failed!.n).toBe(1);
  });
});

describe.each(engines().map((e) => [e.name, e] as const))('[%s] pipeline runs', (_, engine) => {
  let t: TestDatabase;
  afterAll(() => t?.dispose());

  it('refuse a second concurrent run on the same database and mark a killed run as failed', async () => {
    t = await engine.open();
    await t.db.query(`INSERT INTO meta.runs (run_id, started_at, status, job_name) VALUES ('killed', now(), 'running', 'x')`);
    const first = runQuiet(t.db, smallDemoJob());
    if (engine.name === 'postgres') {
      // PostgreSQL can be shared by several processes: the second run is refused.
      await new Promise((r) => setTimeout(r, 50));
      await expect(runQuiet(t.db, smallDemoJob())).rejects.toThrow(/another process holds the "pipeline-run" lock/);
    }
    await first;
    const rows = await t.db.query<{ run_id: string; status: string }>(`SELECT run_id, status FROM meta.runs ORDER BY started_at`);
    expect(rows.map((r) => r.status)).toEqual(['failed', 'published']);
    expect(rows[0]!.run_id).toBe('killed');
  });
});

describe.each(engines().map((e) => [e.name, e] as const))('[%s] street aliases', (_, engine) => {
  let t: TestDatabase;
  afterAll(() => t?.dispose());

  it('place records on an old street name through the alias file, and reject an alias to no street', async () => {
    t = await engine.open();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-alias-'));
    const demo = smallDemoJob();
    // The demo's nonexistent streets ("Nirgendwostraße" …) become aliases of a real one.
    const target = fs
      .readFileSync(path.join(path.dirname(demo.path), 'out/adressen.csv'), 'utf8')
      .split('\r\n')[1]!
      .split(';')[0]!;
    fs.writeFileSync(
      path.join(dir, 'ok.csv'),
      `Alt;Neu\r\nNirgendwostraße;${target}\r\nPhantasiestraße;${target}\r\nLuftschlossstraße;${target}\r\n`,
    );
    const before = await runQuiet(t.db, demo);
    const after = await runQuiet(t.db, smallDemoJob({ streetAliases: { file: path.join(dir, 'ok.csv') } }));
    const unmatched = (r: typeof before) => r.account.buckets['unmatched:unknown_street']?.rows ?? 0;
    expect(unmatched(before)).toBeGreaterThan(0);
    expect(unmatched(after)).toBe(0);
    expect(
      (after.account.buckets['assigned:alias']?.rows ?? 0) + (after.account.buckets['assigned:street']?.rows ?? 0),
    ).toBeGreaterThanOrEqual(unmatched(before));

    fs.writeFileSync(path.join(dir, 'bad.csv'), 'Alt;Neu\r\nAlter Weg;Gibtsnichtweg\r\n');
    await expect(runQuiet(t.db, smallDemoJob({ streetAliases: { file: path.join(dir, 'bad.csv') } }))).rejects.toThrow(
      `${path.join(dir, 'bad.csv')}:2 (column Neu): "Gibtsnichtweg" is not a street of the gazetteer`,
    );
  });
});

describe.each(engines().map((e) => [e.name, e] as const))('[%s] context indicator input errors', (_, engine) => {
  let t: TestDatabase;
  afterAll(() => t?.dispose());

  it.each([
    ['9999;2024/25;einwohner_gesamt;5;', 'column Quartier): unknown Quartier "9999"'],
    ['1101;2024;einwohner_gesamt;5;', 'column Jahr): expected a Schuljahr like 2024/25, found "2024"'],
    ['1101;2024/25;erfunden;5;', 'column Indikator): indicator "erfunden" is not defined'],
    ['1101;2024/25;sgb2_quote_unter_15;-5;10', 'column Zaehler): expected a non-negative whole number, found "-5"'],
    ['1101;2024/25;sgb2_quote_unter_15;12;10', 'column Zaehler): numerator 12 exceeds denominator 10'],
  ])('%j fails naming file, line and column, nothing published', async (line, message) => {
    t ??= await engine.open();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-ctx-'));
    const file = path.join(dir, 'ctx.csv');
    fs.writeFileSync(file, `Quartier;Jahr;Indikator;Zaehler;Nenner\r\n1102;2024/25;einwohner_gesamt;40;\r\n${line}\r\n`);
    const definitions = path.join(inject('smallDemo'), 'out/kontextindikatoren.json');
    await expect(runQuiet(t.db, smallDemoJob({ indicators: [{ file, level: 'Quartier', definitions }] }))).rejects.toThrow(
      `${file}:3 (${message}`,
    );
    const [pub] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM meta.publication');
    expect(pub!.n).toBe(0);
  });
});

describe.each(engines().map((e) => [e.name, e] as const))('[%s] offers', (_, engine) => {
  let t: TestDatabase;
  afterAll(() => t?.dispose());

  it('are published with the run, and re-imported on their own without touching the indicator values', async () => {
    t = await engine.open();
    const first = await runQuiet(t.db, smallDemoJob());
    expect(first.offers).toEqual({ published: 90, unplaced: [] });
    const [row] = await t.db.query<{ n: number; cats: string[] }>(
      `SELECT count(*)::int AS n, (SELECT categories FROM published.offers ORDER BY offer_id LIMIT 1) AS cats FROM published.offers`,
    );
    expect(row!.n).toBe(90);
    expect(row!.cats.length).toBeGreaterThan(0);
    const valuesBefore = await t.db.query('SELECT * FROM published.indicator_values ORDER BY indicator_id, level, area_id, schuljahr');

    // A new offers file: the first offer without coordinates (placed by its address), one on a street that does not exist.
    const demo = smallDemoJob();
    const csv = fs
      .readFileSync(path.join(path.dirname(demo.path), 'out/angebote.csv'), 'utf8')
      .trim()
      .split('\r\n');
    const header = csv[0]!.split(';');
    const byAddress = csv[1]!.split(';');
    byAddress[header.indexOf('Rechtswert')] = '';
    byAddress[header.indexOf('Hochwert')] = '';
    const nowhere = csv[2]!.split(';');
    nowhere[header.indexOf('Rechtswert')] = '';
    nowhere[header.indexOf('Hochwert')] = '';
    nowhere[header.indexOf('Strasse')] = 'Gibtsnichtweg';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-offers-'));
    const file = path.join(dir, 'angebote.csv');
    fs.writeFileSync(file, [csv[0], byAddress.join(';'), nowhere.join(';'), ...csv.slice(3)].join('\r\n') + '\r\n');
    const r = await importOffers(t.db, smallDemoJob({ offers: { file, format: 'csv', crs: 'EPSG:25832' } }));
    expect(r.offers.offers).toHaveLength(89);
    expect(r.offers.unplaced).toEqual([{ line: 3, name: nowhere[0], reason: 'unknown_street' }]);
    expect(r.dataVersion).not.toBe(first.dataVersion);
    const [pub] = await t.db.query<{ data_version: string }>('SELECT data_version FROM meta.publication');
    expect(pub!.data_version).toBe(r.dataVersion);
    expect(await t.db.query('SELECT * FROM published.indicator_values ORDER BY indicator_id, level, area_id, schuljahr')).toEqual(
      valuesBefore,
    );
    // Placed by address at the same house as its coordinates said (within a metre).
    const [moved] = await t.db.query<{ m: number }>(
      `SELECT ST_Distance(geom::geography, ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 25832), 4326)::geography) AS m FROM published.offers WHERE name = $3`,
      [Number(csv[1]!.split(';')[header.indexOf('Rechtswert')]), Number(csv[1]!.split(';')[header.indexOf('Hochwert')]), byAddress[0]],
    );
    expect(moved!.m).toBeLessThan(1);
  });
});

describe.each(engines().map((e) => [e.name, e] as const))('[%s] inputs in EPSG:4647', (_, engine) => {
  let t: TestDatabase;
  afterAll(() => t?.dispose());

  it('publishes the same areas and values from boundaries and addresses in EPSG:4647 (UTM 32 with zone prefix) as from EPSG:25832', async () => {
    t = await engine.open();
    const base = smallDemoJob();
    const first = await runQuiet(t.db, base);
    const areasBefore = await t.db.query<{ level: string; area_id: string; area_m2: number }>(
      'SELECT level, area_id, area_m2 FROM published.areas ORDER BY level, area_id',
    );
    const valuesBefore = await t.db.query('SELECT * FROM published.indicator_values ORDER BY indicator_id, level, area_id, schuljahr');

    // EPSG:4647 is EPSG:25832 with the zone number 32 in front of the easting.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-4647-'));
    const crs = { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4647' } };
    const shift = (c: unknown): unknown =>
      typeof (c as number[])[0] === 'number' ? [(c as number[])[0]! + 32_000_000, (c as number[])[1]] : (c as unknown[]).map(shift);
    const boundaries = base.boundaries.map((b) => {
      const fc = JSON.parse(fs.readFileSync(b.file, 'utf8'));
      const file = path.join(dir, path.basename(b.file));
      fs.writeFileSync(
        file,
        JSON.stringify({
          ...fc,
          crs,
          features: fc.features.map((f: { geometry: { coordinates: unknown } }) => ({
            ...f,
            geometry: { ...f.geometry, coordinates: shift(f.geometry.coordinates) },
          })),
        }),
      );
      return { ...b, file, crs: undefined };
    });
    const lines = fs.readFileSync(base.addresses.file, 'utf8').trim().split('\r\n');
    const xi = lines[0]!.split(';').indexOf('Rechtswert');
    const addresses = path.join(dir, 'adressen.csv');
    fs.writeFileSync(
      addresses,
      lines
        .map((l, i) => {
          if (i === 0) return l;
          const f = l.split(';');
          f[xi] = (Number(f[xi]) + 32_000_000).toFixed(2);
          return f.join(';');
        })
        .join('\r\n') + '\r\n',
    );
    const raw = JSON.parse(fs.readFileSync(base.path, 'utf8'));
    const second = await runQuiet(
      t.db,
      parseJob(JSON.stringify({ ...raw, boundaries, addresses: { ...raw.addresses, file: addresses, crs: 'EPSG:4647' } }), base.path),
    );
    expect(second.account.buckets).toEqual(first.account.buckets);
    const areasAfter = await t.db.query<{ level: string; area_id: string; area_m2: number }>(
      'SELECT level, area_id, area_m2 FROM published.areas ORDER BY level, area_id',
    );
    expect(areasAfter.map((a) => a.area_id)).toEqual(areasBefore.map((a) => a.area_id));
    areasAfter.forEach((a, i) => expect(Math.abs(a.area_m2 - areasBefore[i]!.area_m2)).toBeLessThan(0.01));
    expect(await t.db.query('SELECT * FROM published.indicator_values ORDER BY indicator_id, level, area_id, schuljahr')).toEqual(
      valuesBefore,
    );
  }, 120_000);
});
