import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../core/db/index.ts';
import { engines, type TestDatabase } from '../helpers/engines.ts';
import { runCli, serverView, writeJobs, type ServerView, type Target } from '../helpers/faults.ts';
import { ROOT } from '../helpers/requirements.ts';

/**
 * PostgreSQL drops the pipeline's connections in the middle of a run (here: every
 * session of the run terminated, as a restart of the database server or an
 * administrator would). The run fails with a clear message and exit code 1 instead
 * of crashing, the previous publication stays, staging is empty, and the next run
 * publishes.
 */
const pgEngine = engines().find((e) => e.name === 'postgres');

describe.skipIf(!pgEngine)('[postgres] connection dropped during a run', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-drop-'));
  const target: Target = { engine: 'postgres', dataDir: path.join(dir, 'data') };
  let t: TestDatabase;
  let jobs: { a: string; b: string };
  let viewA: ServerView;

  beforeAll(async () => {
    jobs = writeJobs(dir, 300);
    t = await pgEngine!.open();
    target.databaseUrl = t.location;
    expect(runCli(target, jobs.a).status).toBe(0);
    viewA = await serverView(target);
  }, 300_000);

  afterAll(async () => {
    await t?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs job B and terminates every session of its database once `line` appears on stdout (plus `delayMs`). */
  async function runAndDrop(line: string, delayMs: number) {
    const child = spawn(process.execPath, ['bin/quartiersmonitor.mjs', 'run', jobs.b], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', DATA_DIR: target.dataDir, DATABASE_URL: target.databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let terminated: Promise<number> | null = null;
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => {
      stdout += d;
      if (!terminated && stdout.includes(line)) terminated = new Promise((r) => setTimeout(r, delayMs)).then(terminateSessions);
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { code, stdout, stderr, terminated: await terminated };
  }

  async function terminateSessions(): Promise<number> {
    const admin = await openPostgres(target.databaseUrl!, { max: 1 });
    try {
      const [r] = await admin.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      return r!.n;
    } finally {
      await admin.close();
    }
  }

  it.each([
    ['while the houses are assigned', 'Assign houses to areas …', 0],
    ['inside the publishing transaction', 'Publish …', 300],
  ])(
    '%s',
    async (_when, line, delayMs) => {
      const r = await runAndDrop(line, delayMs);
      expect(r.stdout).toContain(line);
      // The run's lock session and at least the one running a statement.
      expect(r.terminated).toBeGreaterThanOrEqual(2);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        'Error: lost the connection to PostgreSQL (terminating connection due to administrator command)\nNothing was published.\n',
      );
      expect(r.stdout).not.toContain('published data version');
      expect(await serverView(target)).toEqual(viewA);
    },
    120_000,
  );

  it('publishes with the next run', async () => {
    expect(runCli(target, jobs.b).status).toBe(0);
    const b = await serverView(target);
    expect(b.dataVersion).not.toBe(viewA.dataVersion);
    expect(b).toMatchObject({ stagingTables: 0, runningRuns: 0 });
  }, 120_000);
});
