import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openPglite, openPostgres } from '../../core/db/index.ts';
import { migrate } from '../../core/db/migrate.ts';
import { DEMO_JOB, writeMusterstadt } from '../../fixtures/musterstadt/index.ts';
import { ensureWebBuild } from '../../server/web-build.ts';

/**
 * Runs once per `npm test`: a migrated PGlite template (tests copy it instead of
 * paying ~10 s for a new PostGIS database each), a migrated PostgreSQL template
 * database when TEST_DATABASE_URL is set, and a small Musterstadt.
 */
export default async function setup(project: TestProject) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-test-'));
  const template = path.join(root, 'pglite-template');
  const started = Date.now();
  // Built once here, so tests that start the server never build concurrently.
  await ensureWebBuild(process.stderr);
  const db = await openPglite({ pgdata: template });
  await migrate(db);
  await db.close();

  let pgTemplate = '';
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    pgTemplate = `qm_template_${process.pid}`;
    const admin = await openPostgres(url, { max: 1 });
    await admin.exec(`DROP DATABASE IF EXISTS ${pgTemplate}`);
    await admin.exec(`CREATE DATABASE ${pgTemplate}`);
    await admin.close();
    const t = new URL(url);
    t.pathname = `/${pgTemplate}`;
    const tdb = await openPostgres(t.toString(), { max: 1 });
    await migrate(tdb);
    await tdb.close();
  }

  const demo = path.join(root, 'musterstadt');
  writeMusterstadt(path.join(demo, 'out'), { pupilsPerYear: 2500 });
  fs.copyFileSync(DEMO_JOB, path.join(demo, 'job.json'));

  project.provide('pgliteTemplate', template);
  project.provide('pgTemplate', pgTemplate);
  project.provide('smallDemo', demo);
  process.stderr.write(`[setup] templates and demo ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

  return async () => {
    fs.rmSync(root, { recursive: true, force: true });
    if (url && pgTemplate) {
      const admin = await openPostgres(url, { max: 1 });
      await admin.exec(`DROP DATABASE IF EXISTS ${pgTemplate} WITH (FORCE)`);
      await admin.close();
    }
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    pgTemplate: string;
    smallDemo: string;
  }
}
