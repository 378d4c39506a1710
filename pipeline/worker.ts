import path from 'node:path';
import { openPglite, openPostgres, type Database } from '../core/db/index.ts';
import { asDiskFull } from '../core/db/embedded.ts';
import { migrate } from '../core/db/migrate.ts';
import type { WriteTarget } from '../core/db/open.ts';
import { AppError } from '../core/errors.ts';
import { loadJob } from './job.ts';
import { importOffers } from './offers.ts';
import { runJob, saveReport, summarise } from './run.ts';

/**
 * A pipeline run started through the server, in a child process of its own: the
 * run's CPU work and memory never touch the serving process, and a crash of the
 * run cannot take the server down. Started with an IPC channel; receives one
 * WorkerRequest, answers with one WorkerResult and exits. Progress goes to stdout.
 */
export interface WorkerRequest {
  kind: 'run' | 'offers';
  jobFile: string;
  target: WriteTarget;
  reportDir: string;
}

export type WorkerResult =
  { ok: true; dataVersion: string; runId: string | null; summary: string } | { ok: false; error: { code: string; message: string } };

async function open(target: WriteTarget): Promise<Database> {
  const db = target.engine === 'pglite' ? await openPglite({ pgdata: target.pgdata }) : await openPostgres(target.url, { max: 4 });
  await migrate(db);
  return db;
}

async function work(r: WorkerRequest): Promise<WorkerResult> {
  const job = loadJob(r.jobFile);
  const db = await open(r.target);
  try {
    if (r.kind === 'offers') {
      const { dataVersion, offers } = await importOffers(db, job);
      const summary = `${offers.offers.length} offers published, ${offers.unplaced.length} could not be placed`;
      return { ok: true, dataVersion, runId: null, summary };
    }
    const report = await runJob(db, job, { reportDir: r.reportDir });
    saveReport(report, r.reportDir);
    return { ok: true, dataVersion: report.dataVersion, runId: report.runId, summary: summarise(report) };
  } finally {
    await db.close();
  }
}

process.once('message', (request: WorkerRequest) => {
  work(request)
    .catch((err): WorkerResult => {
      // Input errors keep their message (file, line, column); anything else is reported without internals.
      const full = request.target.engine === 'pglite' ? asDiskFull(path.dirname(request.target.pgdata), err) : null;
      if (full) return { ok: false, error: { code: full.code, message: full.message } };
      if (err instanceof AppError) return { ok: false, error: { code: err.code, message: err.message } };
      process.stderr.write(`${(err as Error).stack ?? err}\n`);
      return { ok: false, error: { code: 'internal', message: 'the pipeline run failed unexpectedly; see the server log' } };
    })
    .then((result) => process.send!(result, () => process.exit(0)));
});
