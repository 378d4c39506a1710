import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { columns, connectionLost, type Database } from '../core/db/index.ts';
import { AppError } from '../core/errors.ts';
import { faultPoint, withStatementFaults } from '../core/fault.ts';
import { log as defaultLog, progress, step, type Logger } from '../core/log.ts';
import { aggregateContext, contextPartitions } from './aggregate/context.ts';
import { buildRecordFacts, readSchoolFacts } from './aggregate/facts.ts';
import { GRUNDSCHULE, ORIGIN_LEVEL, SCHOOL_LEVEL, Tally } from './aggregate/tally.ts';
import { dimensions, fixedMeasures, PARTITIONS } from './aggregate/measures.ts';
import { pupilIndicators, type IndicatorDefinition } from './aggregate/registry.ts';
import { readContextIndicators } from './read/indicators.ts';
import { readGemeinden } from './read/gemeinden.ts';
import { assignHouses, readPlaces, stagePlaces } from './assign/assign.ts';
import { loadBoundaries, loadGemeinden } from './assign/boundaries.ts';
import { buildGazetteer } from './geocode/gazetteer.ts';
import { OriginResolver } from './geocode/origin.ts';
import { loadRecords, type Account } from './geocode/records.ts';
import type { Job } from './job.ts';
import { deriveOutputs } from './protect/derive.ts';
import { suppressCells } from './protect/suppress.ts';
import { protectJointly } from './protect/audit.ts';
import { buildTable, cellKey, type AreaNode, type CellTable, type CountRow } from './protect/table.ts';
import { publish } from './publish/publish.ts';
import { readBoundaries } from './read/boundaries.ts';
import { readGazetteer } from './read/gazetteer.ts';
import { readSchools } from './read/schools.ts';
import { readOffers, type OffersRead } from './read/offers.ts';
import { readStreetAliases } from './read/aliases.ts';
import { parseHouseNumber, streetKey } from './normalise/address.ts';
import { dropStaging, resetStaging } from './staging.ts';

export interface RunOptions {
  /** Directory for the run report and the quarantine file (mode 0600). */
  reportDir: string;
  log?: Logger;
  /** Where progress goes; stdout by default. */
  out?: NodeJS.WriteStream;
}

/** The run report: counts, rates, timings and file hashes. Never an address. */
export interface RunReport {
  runId: string;
  job: string;
  engine: string;
  status: 'published';
  startedAt: string;
  finishedAt: string;
  dataVersion: string;
  schuljahre: string[];
  inputs: { file: string; sha256: string; rows?: number; encoding?: string; delimiter?: string }[];
  account: Account;
  matchRate: Record<string, number>;
  /** Share of records in the city that were assigned (any quality), per Schuljahr and per school. */
  matchRateBySchuljahr: Record<string, number>;
  matchRateBySchool: Record<string, { records: number; assigned: number }>;
  unassignedPerLevel: Record<string, number>;
  /** Offers are public information: names of unplaced offers may appear here. */
  offers: { published: number; unplaced: OffersRead['unplaced'] } | null;
  /** Count cells and how many were hidden; indicator values and how many were withheld, by reason. */
  suppression: {
    cells: number;
    hiddenCells: number;
    values: number;
    suppressed: number;
    byReason: Record<string, number>;
    /** The joint audit: cells the group rule left narrower than k, cells hidden for them, rounds, linear programs. */
    joint: { narrowedAtFirst: number; added: number; rounds: number; solves: number };
  };
  timingsMs: Record<string, number>;
  quarantineFile: string;
}

/** Writes the report next to the quarantine file (owner-only) and returns its path. */
export function saveReport(report: RunReport, reportDir: string): string {
  const file = path.join(reportDir, `${report.runId}.json`);
  fs.writeFileSync(file, JSON.stringify(report, null, 2), { mode: 0o600 });
  return file;
}

export function newRunId(now = new Date()): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${crypto.randomBytes(2).toString('hex')}`;
}

/**
 * Runs a job. One run at a time per database: staging is shared, so a second
 * concurrent run is refused rather than allowed to clobber the first.
 */
export function runJob(db: Database, job: Job, options: RunOptions): Promise<RunReport> {
  return db.exclusive('pipeline-run', () => runExclusive(db, job, options));
}

async function runExclusive(db: Database, job: Job, options: RunOptions): Promise<RunReport> {
  const log = options.log ?? defaultLog;
  const out = options.out ?? process.stdout;
  const runId = newRunId();
  const startedAt = new Date();
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, label: string, fn: () => Promise<T>) => {
    const t0 = performance.now();
    faultPoint(`${name}:start`);
    const r = await step(label, fn, out);
    faultPoint(`${name}:end`);
    timings[name] = Math.round(performance.now() - t0);
    return r;
  };
  fs.mkdirSync(options.reportDir, { recursive: true, mode: 0o700 });
  const quarantineFile = path.join(options.reportDir, `${runId}-quarantaene.csv`);

  // A run still marked running was killed: we hold the run lock, so it cannot be alive.
  await db.query(`UPDATE meta.runs SET status = 'failed', finished_at = now() WHERE status = 'running'`);
  await db.query(`INSERT INTO meta.runs (run_id, started_at, status, job_name) VALUES ($1, $2, 'running', $3)`, [
    runId,
    startedAt,
    job.name,
  ]);
  log.info('run started', { runId, job: job.name, engine: db.engine });
  faultPoint('run:registered');
  try {
    await resetStaging(db);
    faultPoint('staging:reset');

    const levels = await timed('boundaries', 'Boundaries', async () => {
      const lv = job.boundaries.map(readBoundaries);
      await loadBoundaries(db, lv);
      return lv;
    });

    const schools = await timed('schools', 'Schools', async () => {
      const s = await readSchools(job.schools);
      await db.insertRows(
        'staging.schools',
        columns(
          'schulnummer text, name text, schulform text, schulform_name text, ags text, sozialindex int, startchancen bool, x float8, y float8, srid int',
        ),
        s.schools.map((x) => [x.schulnummer, x.name, x.schulform, x.schulformName, x.ags, x.sozialindex, x.startchancen, x.x, x.y, x.srid]),
      );
      return s;
    });

    const origins = await timed('gemeinden', 'Gemeinden', async () => {
      if (!job.gemeinden) return { resolver: new OriginResolver([]), sha256: null };
      const g = readGemeinden(job.gemeinden);
      await loadGemeinden(db, g.gemeinden, g.srid);
      return { resolver: new OriginResolver(g.gemeinden), sha256: g.sha256 };
    });

    const gaz = await timed('gazetteer', 'Gazetteer', async () => {
      const file = await readGazetteer(job.addresses);
      const aliases = job.streetAliases ? (await readStreetAliases(job.streetAliases, file.entries)).aliases : undefined;
      const index = buildGazetteer(file.entries, aliases);
      const n = await db.insertRows(
        'staging.addresses',
        columns('street_key text, x float8, y float8, street text, house_number text, number int, postcode text, municipality text'),
        file.entries
          .map((e) => {
            const house = parseHouseNumber(e.number, e.suffix);
            return [
              streetKey(e.street),
              e.x,
              e.y,
              e.street.trim(),
              house ? `${house.number}${house.suffix}` : '',
              house?.number ?? null,
              e.postcode?.trim() ?? '',
              e.municipality?.trim() || job.municipality.name,
            ];
          })
          .filter((r) => r[0] !== ''),
      );
      await db.exec('CREATE INDEX ON staging.addresses (street_key)');
      log.info('gazetteer loaded', { addresses: index.size, streets: index.streets.size, rows: n });
      return { file, index };
    });

    const offers = job.offers
      ? await timed('offers', 'Offers', () =>
          readOffers(job.offers!, async () => ({ index: gaz.index, srid: gaz.file.srid }), [job.municipality.name]),
        )
      : undefined;

    const localLevel =
      levels.find((l) => l.level === job.flows.localLevel) ?? levels.find((l) => l.level === 'Stadtteil') ?? levels.at(-1)!;
    const levelNames = levels.map((l) => l.level);
    const { places, tally } = await timed('assign', 'Assign houses to areas', async () => {
      await assignHouses(db, gaz.file.srid);
      await buildRecordFacts(db, {
        localLevel: localLevel.level,
        cityLevel: levels[0]!.level,
        gazetteerSrid: gaz.file.srid,
        nearest: job.flows.nearestGrundschulen,
        grundschule: GRUNDSCHULE,
      });
      return {
        places: await readPlaces(db, levelNames),
        tally: new Tally({ levels: levelNames, localLevel: levelNames.indexOf(localLevel.level), schools: await readSchoolFacts(db) }),
      };
    });

    const account = await timed('records', 'Records (read, validate, geocode, count)', () =>
      loadRecords({
        sql: db,
        job,
        gazetteer: gaz.index,
        origins: origins.resolver,
        knownSchools: new Set(schools.schools.map((s) => s.schulnummer)),
        places,
        tally,
        quarantineFile,
        out,
      }),
    );
    const bucketRows = Object.values(account.buckets).reduce((s, b) => s + b.rows, 0);
    if (bucketRows !== account.rows)
      throw new AppError('integrity', `record account does not balance: ${bucketRows} in buckets, ${account.rows} read`);
    const [staged] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM staging.records');
    const rejected = Object.entries(account.buckets)
      .filter(([k]) => k.startsWith('rejected:'))
      .reduce((s, [, b]) => s + b.rows, 0);
    if (staged!.n !== account.rows - rejected)
      throw new AppError('integrity', `staging holds ${staged!.n} records, expected ${account.rows - rejected}`);

    await stagePlaces(db, places);
    const unassignedPerLevel = tally.unassigned();

    const areaRows = await db.query<{ level: string; area_id: string; parent_id: string | null; ordinal: number }>(
      'SELECT level, area_id, parent_id, ordinal FROM staging.areas ORDER BY ordinal, area_id',
    );
    const areas: AreaNode[] = areaRows.map((a) => ({ level: a.level, areaId: a.area_id, parentId: a.parent_id }));
    const schuljahre = Object.keys(account.perSchuljahr).sort();
    if (schuljahre.length === 0)
      throw new AppError('invalid_input', 'no valid pupil records: nothing to publish', { file: job.records[0]!.file });

    const dims = dimensions(localLevel.title);
    const pupil = pupilIndicators(localLevel.title);

    const parents = parentChains(
      areaRows,
      levels.map((l) => l.level),
    );
    const context = await timed('context', 'Context indicators', async () => {
      const out = { definitions: [] as IndicatorDefinition[], cells: [] as CountRow[], inputs: [] as { file: string; sha256: string }[] };
      for (const spec of job.indicators) {
        const ids = new Set(areas.filter((a) => a.level === spec.level).map((a) => a.areaId));
        const read = await readContextIndicators(spec, ids);
        const clash = read.definitions.find((d) => pupil.some((p) => p.id === d.id) || out.definitions.some((o) => o.id === d.id));
        if (clash) throw new AppError('invalid_input', `indicator id "${clash.id}" is defined twice`, { file: spec.definitions });
        out.definitions.push(...read.definitions);
        out.cells.push(...aggregateContext(read.values, spec.level, areas, parents, read.definitions));
        out.inputs.push({ file: spec.file, sha256: read.sha256 });
      }
      return out;
    });

    const indicators = [...pupil, ...context.definitions];
    const { table, groupwise } = await timed('aggregate', 'Aggregate and protect', async () => {
      const rows = [...tally.rows(), ...context.cells];
      const schulformen = [...new Set(rows.filter((r) => r.measure.startsWith('schulform:')).map((r) => r.measure))].sort();
      const table = buildTable(rows, {
        areas,
        schuljahre,
        fill: [...fixedMeasures(dims), ...schulformen],
        partitions: [...PARTITIONS, ...contextPartitions(context.definitions)],
        sparse: (m) => m.startsWith('school:'),
        groups: schoolGroups(rows, levels[0]!.level),
      });
      const groupwise = suppressCells(
        table.cells.map((c) => c.count),
        table.groups,
        job.disclosure.minCount,
        { fixed: residual(table) },
      );
      return { table, groupwise };
    });
    // bench/audit.mts reads this dump (counts of the table: a local file, like the quarantine).
    if (process.env.QM_AUDIT_DUMP)
      fs.writeFileSync(
        process.env.QM_AUDIT_DUMP,
        JSON.stringify({
          values: table.cells.map((c) => c.count),
          // Which cell is which, for reading a result (level, area, Schuljahr, measure).
          labels: table.cells.map((c) => `${c.level} ${c.areaId} ${c.schuljahr} ${c.measure}`),
          groups: table.groups,
          equations: table.equations,
          fixed: table.cells.flatMap((c, i) => (c.residual ? [i] : [])),
          groupwise,
          k: job.disclosure.minCount,
        }),
        { mode: 0o600 },
      );
    const joint = await timed('audit', 'Joint disclosure audit', () => {
      let bar: ReturnType<typeof progress> | undefined;
      let barRound = 0;
      return protectJointly(groupwise, {
        values: table.cells.map((c) => c.count),
        groups: table.groups,
        equations: table.equations,
        fixed: residual(table),
        minCount: job.disclosure.minCount,
        onProgress: (round, done, total) => {
          if (round !== barRound) ((bar = progress(`  round ${round}: cells below k`, total, out)), (barRound = round));
          bar!.tick(done);
        },
      });
    });
    const status = joint.status;
    const outputs = deriveOutputs(table, status, {
      indicators,
      dimensions: dims,
      disclosure: job.disclosure,
      levels: new Set(levels.map((l) => l.level)),
      originLevel: ORIGIN_LEVEL,
      schoolLevel: SCHOOL_LEVEL,
    });
    const byReason: Record<string, number> = {};
    for (const v of outputs.values) if (v.reason) byReason[v.reason] = (byReason[v.reason] ?? 0) + 1;
    const hiddenCells = status.filter(Boolean).length;
    const finishedAt = new Date();
    const assignedRows = Object.entries(account.buckets).filter(([k]) => k.startsWith('assigned:'));
    const inCity = account.rows - rejected - (account.buckets['other_municipality']?.rows ?? 0);
    const isAssigned = (bucket: string) => bucket.startsWith('assigned:');
    const inCityRate = (buckets: Record<string, number>) => {
      const inCity = Object.entries(buckets).filter(([b]) => b !== 'other_municipality');
      const n = inCity.reduce((s, [, v]) => s + v, 0);
      return { records: n, assigned: inCity.filter(([b]) => isAssigned(b)).reduce((s, [, v]) => s + v, 0) };
    };
    const matchRateBySchuljahr = Object.fromEntries(
      Object.entries(account.perSchuljahr).map(([sj, b]) => {
        const r = inCityRate(b);
        return [sj, round4(r.assigned / Math.max(1, r.records))];
      }),
    );
    const matchRateBySchool = Object.fromEntries(Object.entries(account.perSchool).map(([nr, b]) => [nr, inCityRate(b)]));
    const matchRate = Object.fromEntries(assignedRows.map(([k, b]) => [k.slice('assigned:'.length), round4(b.rows / Math.max(1, inCity))]));

    const report: Omit<RunReport, 'dataVersion'> = {
      runId,
      job: job.name,
      engine: db.engine,
      status: 'published',
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      schuljahre,
      inputs: [
        ...levels.map((l) => ({ file: l.file, sha256: l.sha256 })),
        { file: job.addresses.file, sha256: gaz.file.sha256 },
        ...(job.gemeinden && origins.sha256 ? [{ file: job.gemeinden.file, sha256: origins.sha256 }] : []),
        { file: job.schools.file, sha256: schools.sha256 },
        ...account.perFile,
        ...context.inputs,
        ...(offers && job.offers ? [{ file: job.offers.file, sha256: offers.sha256 }] : []),
      ],
      account,
      matchRate,
      matchRateBySchuljahr,
      matchRateBySchool,
      unassignedPerLevel,
      offers: offers ? { published: offers.offers.length, unplaced: offers.unplaced } : null,
      suppression: {
        cells: table.cells.length,
        hiddenCells,
        joint: { narrowedAtFirst: joint.narrowedAtFirst, added: joint.added, rounds: joint.rounds, solves: joint.solves },
        values: outputs.values.length,
        suppressed: outputs.values.filter((v) => v.suppressed).length,
        byReason,
      },
      timingsMs: timings,
      quarantineFile,
    };

    const dataVersion = await timed('publish', 'Publish', async () => {
      const version = await db.transaction(async (raw) => {
        const tx = withStatementFaults(raw, 'publish');
        const v = await publish(tx, {
          runId,
          municipality: job.municipality,
          disclosure: job.disclosure,
          licence: job.licence,
          levels: levels.map((l) => ({ level: l.level, title: l.title })),
          indicators,
          dimensions: dims,
          outputs,
          origins: [...new Set(outputs.inflows.map((f) => f.originId))].sort().map((id) => origins.resolver.describe(id)),
          parents,
          gazetteerSrid: gaz.file.srid,
          offers: offers?.offers,
        });
        await tx.query(`UPDATE meta.runs SET status = 'published', finished_at = $2, report = $3::jsonb WHERE run_id = $1`, [
          runId,
          finishedAt,
          JSON.stringify({ ...report, dataVersion: v }),
        ]);
        // In the same transaction: no moment in which the run is published and its raw records are still there.
        if (!job.keepStaging) await dropStaging(tx);
        return v;
      });
      faultPoint('publish:committed');
      return version;
    });
    const full: RunReport = { ...report, dataVersion };
    log.info('run published', { runId, dataVersion, rows: account.rows });
    return full;
  } catch (err) {
    await db.query(`UPDATE meta.runs SET status = 'failed', finished_at = now() WHERE run_id = $1`, [runId]).catch(() => {});
    if (!job.keepStaging) await dropStaging(db).catch(() => {});
    throw connectionLost(err) ?? err;
  }
}

/** Residual cells (a whole minus its parts) are never published and never hidden to protect others. */
const residual = (table: CellTable) => (i: number) => table.cells[i]!.residual === true;

/**
 * A school's pupils = its flows from the areas of the coarsest level + its
 * Einpendler by origin + a residual (its unmatched records and those outside the
 * coarsest level), protected like any cell. The parts are the published flows
 * themselves, not the city's sum of them: that sum is never published but follows
 * from the flows, so hiding it to protect the residual would protect nothing
 * (the privacy audit recovered residuals of 2 that way).
 */
function schoolGroups(rows: readonly CountRow[], topLevel: string): { whole: string; parts: string[] }[] {
  const byKey = new Map<string, { whole: string; parts: string[] }>();
  for (const r of rows) {
    if (r.level !== SCHOOL_LEVEL) continue;
    byKey.set(`${r.areaId}\u0000${r.schuljahr}`, { whole: cellKey(SCHOOL_LEVEL, r.areaId, r.schuljahr, 'pupils'), parts: [] });
  }
  for (const r of rows) {
    if ((r.level !== ORIGIN_LEVEL && r.level !== topLevel) || !r.measure.startsWith('school:')) continue;
    byKey.get(`${r.measure.slice('school:'.length)}\u0000${r.schuljahr}`)?.parts.push(cellKey(r.level, r.areaId, r.schuljahr, r.measure));
  }
  return [...byKey.values()];
}

function parentChains(areas: { level: string; area_id: string; parent_id: string | null }[], levelOrder: string[]) {
  const byKey = new Map(areas.map((a) => [`${a.level}\u0000${a.area_id}`, a]));
  const chains = new Map<string, Record<string, string>>();
  for (const a of areas) {
    const chain: Record<string, string> = {};
    let cur = a;
    let idx = levelOrder.indexOf(a.level);
    while (cur.parent_id && idx > 0) {
      const parentLevel = levelOrder[idx - 1]!;
      chain[parentLevel] = cur.parent_id;
      const next = byKey.get(`${parentLevel}\u0000${cur.parent_id}`);
      if (!next) break;
      cur = next;
      idx--;
    }
    chains.set(`${a.level}\u0000${a.area_id}`, chain);
  }
  return chains;
}

const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

/** The readable summary printed after a run: counts only. */
export function summarise(r: RunReport): string {
  const lines = [
    `Run ${r.runId} published data version ${r.dataVersion} (${r.engine})`,
    `Schuljahre: ${r.schuljahre.join(', ')}`,
    `Records read: ${r.account.rows} (${r.account.pupils} pupils in valid records)`,
  ];
  for (const [bucket, b] of Object.entries(r.account.buckets).sort()) lines.push(`  ${bucket.padEnd(40)} ${String(b.rows).padStart(8)}`);
  lines.push(
    `Match rate of records in the city: ${Object.entries(r.matchRate)
      .map(([q, v]) => `${q} ${(v * 100).toFixed(2)} %`)
      .join(', ')}`,
  );
  lines.push(
    `Unassigned per level: ${Object.entries(r.unassignedPerLevel)
      .map(([l, n]) => `${l} ${n}`)
      .join(', ')}`,
  );
  lines.push(
    `Disclosure control: ${r.suppression.hiddenCells} of ${r.suppression.cells} count cells hidden; ` +
      `${r.suppression.suppressed} of ${r.suppression.values} indicator values withheld; ` +
      `the joint audit hid ${r.suppression.joint.added} more for ${r.suppression.joint.narrowedAtFirst} cells the group rule left narrower than k`,
  );
  lines.push(
    `Match rate per Schuljahr: ${Object.entries(r.matchRateBySchuljahr)
      .map(([sj, v]) => `${sj} ${(v * 100).toFixed(2)} %`)
      .join(', ')}`,
  );
  const origins = Object.entries(r.account.origins);
  if (origins.length > 0) lines.push(`Einpendler by origin: ${origins.map(([kind, n]) => `${kind} ${n}`).join(', ')}`);
  lines.push(
    `Pupils without Verkehrssprache: ${r.account.missing.Verkehrssprache}, without Staatsangehoerigkeit: ${r.account.missing.Staatsangehoerigkeit}`,
  );
  if (r.offers) lines.push(`Offers: ${r.offers.published} published, ${r.offers.unplaced.length} could not be placed`);
  lines.push(
    `Timings: ${Object.entries(r.timingsMs)
      .map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`)
      .join(', ')}`,
  );
  lines.push(`Unmatched and rejected records (local file, owner-only): ${r.quarantineFile}`);
  return lines.join('\n');
}
