import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.ts';
import { openDatabase, writeDatabase } from '../core/db/open.ts';
import { AppError } from '../core/errors.ts';
import { exportRows, toCsv, toGeoJson } from './export/export.ts';
import { exportMeta, toXlsx } from './export/xlsx.ts';
import { loadJob } from './job.ts';
import { importOffers } from './offers.ts';
import { runJob, saveReport, summarise } from './run.ts';

/**
 * The pipeline command line. The only place in the pipeline that exits:
 * 0 published, 1 bad input or failed run (nothing published), 2 usage error,
 * 75 data directory in use.
 */
const USAGE = `Usage:
  npm run pipeline -- run <job-file> [--report <file>]
  npm run pipeline -- offers <job-file>
  npm run pipeline -- export --level <level> [--schuljahr 2024/25] [--indicators a,b] --format csv|geojson|xlsx --out <file> [--decimal-comma]

Runs the job and publishes atomically. Uses DATABASE_URL (PostgreSQL/PostGIS) when set,
otherwise the embedded database in DATA_DIR (default .data). The run report (counts,
match rates, timings, file hashes; no addresses) goes to DATA_DIR/reports/<run>.json
and, with --report, to that file as well.

offers re-imports only the job's offers and publishes them with a new data version.
export writes the published values in long format (level, area_id, area_name, schuljahr,
indicator, numerator, denominator, value, suppressed, reason): CSV for German Excel
(UTF-8 with BOM, ';') or GeoJSON with the area geometry.`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      report: { type: 'string' },
      level: { type: 'string' },
      schuljahr: { type: 'string' },
      indicators: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      'decimal-comma': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, jobFile] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE + '\n');
    return values.help ? 0 : 2;
  }
  if (command === 'export') return exportCommand(values);
  if (command === 'offers' && jobFile) return offersCommand(jobFile);
  if (command !== 'run' || !jobFile || positionals.length > 2) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const job = loadJob(jobFile); // validate before touching the database
  const reportDir = path.join(config.dataDir, 'reports');
  const report = await writeDatabase(config, (db) => runJob(db, job, { reportDir }));
  saveReport(report, reportDir);
  if (values.report) fs.writeFileSync(values.report, JSON.stringify(report, null, 2), { mode: 0o600 });
  process.stdout.write(summarise(report) + '\n');
  return 0;
}

/** Re-imports the job's offers only (with their Stand), keeping everything else. */
async function offersCommand(jobFile: string): Promise<number> {
  const config = loadConfig();
  const job = loadJob(jobFile);
  const r = await writeDatabase(config, (db) => importOffers(db, job));
  process.stdout.write(
    `${r.offers.offers.length} offers published (data version ${r.dataVersion}), ${r.offers.unplaced.length} could not be placed\n`,
  );
  for (const u of r.offers.unplaced) process.stdout.write(`  line ${u.line}: ${u.name} (${u.reason})\n`);
  return 0;
}

async function exportCommand(v: Record<string, string | boolean | undefined>): Promise<number> {
  const format = v.format;
  if (typeof v.level !== 'string' || typeof v.out !== 'string' || (format !== 'csv' && format !== 'geojson' && format !== 'xlsx')) {
    process.stderr.write(`export needs --level, --out and --format csv|geojson|xlsx\n${USAGE}\n`);
    return 2;
  }
  const handle = await openDatabase(loadConfig());
  try {
    const rows = await exportRows(handle.db, {
      level: v.level,
      schuljahr: typeof v.schuljahr === 'string' ? v.schuljahr : undefined,
      indicators: typeof v.indicators === 'string' ? v.indicators.split(',').map((s) => s.trim()) : undefined,
    });
    const body =
      format === 'csv'
        ? toCsv(rows, { decimalComma: v['decimal-comma'] === true })
        : format === 'xlsx'
          ? await toXlsx(rows, await exportMeta(handle.db, [...new Set(rows.map((r) => r.indicator))]))
          : toGeoJson(rows);
    fs.writeFileSync(v.out, body);
    process.stdout.write(`${rows.length} rows written to ${v.out}\n`);
    return 0;
  } finally {
    await handle.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof AppError) {
      process.stderr.write(`Error: ${err.message}\n${process.argv[2] === 'run' ? 'Nothing was published.\n' : ''}`);
      process.exit(err.code === 'database_locked' ? 75 : 1);
    }
    process.stderr.write(`Unexpected error: ${(err as Error).stack ?? err}\nNothing was published.\n`);
    process.exit(1);
  },
);
