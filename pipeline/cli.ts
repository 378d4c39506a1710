import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.ts';
import { openDatabase } from '../core/db/open.ts';
import { AppError } from '../core/errors.ts';
import { loadJob } from './job.ts';
import { runJob, summarise } from './run.ts';

/**
 * The pipeline command line. The only place in the pipeline that exits:
 * 0 published, 1 bad input or failed run (nothing published), 2 usage error,
 * 75 data directory in use.
 */
const USAGE = `Usage:
  npm run pipeline -- run <job-file> [--report <file>]

Runs the job and publishes atomically. Uses DATABASE_URL (PostgreSQL/PostGIS) when set,
otherwise the embedded database in DATA_DIR (default .data). The run report (counts,
match rates, timings, file hashes; no addresses) goes to DATA_DIR/reports/<run>.json
and, with --report, to that file as well.`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { report: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, jobFile] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE + '\n');
    return values.help ? 0 : 2;
  }
  if (command !== 'run' || !jobFile || positionals.length > 2) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const job = loadJob(jobFile); // validate before touching the database
  const handle = await openDatabase(config);
  try {
    const reportDir = path.join(config.dataDir, 'reports');
    const report = await handle.write((db) => runJob(db, job, { reportDir }));
    const json = JSON.stringify(report, null, 2);
    fs.writeFileSync(path.join(reportDir, `${report.runId}.json`), json, { mode: 0o600 });
    if (values.report) fs.writeFileSync(values.report, json, { mode: 0o600 });
    process.stdout.write(summarise(report) + '\n');
    return 0;
  } finally {
    await handle.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof AppError) {
      process.stderr.write(`Error: ${err.message}\nNothing was published.\n`);
      process.exit(err.code === 'database_locked' ? 75 : 1);
    }
    process.stderr.write(`Unexpected error: ${(err as Error).stack ?? err}\nNothing was published.\n`);
    process.exit(1);
  },
);
