import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { createApp } from '../../server/app.ts';
import { createPublicationState } from '../../server/publication.ts';
import type { TestDatabase, TestEngine } from './engines.ts';
import type { Database } from '../../core/db/index.ts';
import { loadJob, parseJob, type Job } from '../../pipeline/job.ts';
import { runJob, type RunReport } from '../../pipeline/run.ts';

/** The small Musterstadt (2,500 pupils a year) that global setup generated. */
export function smallDemoJob(patch: Record<string, unknown> = {}): Job {
  const file = path.join(inject('smallDemo'), 'job.json');
  if (Object.keys(patch).length === 0) return loadJob(file);
  const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  return parseJob(JSON.stringify({ ...raw, ...patch }), file);
}

const quiet = Object.assign(Object.create(process.stdout), { write: () => true, isTTY: false }) as NodeJS.WriteStream;
export const silentLog = { debug() {}, info() {}, warn() {}, error() {} };

export async function runQuiet(db: Database, job: Job): Promise<RunReport> {
  const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-report-'));
  return runJob(db, job, { reportDir, out: quiet, log: silentLog });
}

/** A fresh database of the engine with the small demo published, and the app (without web build) serving it. */
export async function publishedDemoApp(
  engine: TestEngine,
): Promise<{ t: TestDatabase; app: ReturnType<typeof createApp>; version: string }> {
  const t = await engine.open();
  const publication = createPublicationState(() => t.db);
  const app = createApp({ getDb: () => t.db, webDist: null, publication });
  const version = (await runQuiet(t.db, smallDemoJob())).dataVersion;
  publication.invalidate(); // as the server does after a run it started
  return { t, app, version };
}
