import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgdataPaths } from '../../core/db/embedded.ts';
import { copyPgliteTemplate } from '../helpers/engines.ts';
import { runCli, serverView, writeJobs, type ServerView, type Target } from '../helpers/faults.ts';
import { ROOT, tmpfs } from '../helpers/requirements.ts';

/**
 * The embedded data directory on a size-limited tmpfs that fills up: when the
 * copy a run works on does not fit, and when the disk fills while the run is
 * going (another process takes the space). Each time the run fails with a clear
 * message and exit code 1, the previous publication stays as it was and readable
 * by the server, nothing of the run is left on the disk, and once there is space
 * again the next run publishes.
 */
const req = tmpfs();
const mib = 2 ** 20;

describe.skipIf(!req.available)('[pglite] pipeline run on a full disk', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-diskfull-'));
  const mount = path.join(dir, 'data');
  const target: Target = { engine: 'pglite', dataDir: mount };
  let jobs: { a: string; b: string };
  let viewA: ServerView;
  const resize = (bytes: number) => execFileSync('mount', ['-o', `remount,size=${Math.ceil(bytes / 4096) * 4096}`, mount]);
  const used = () => {
    const s = fs.statfsSync(mount);
    return (s.blocks - s.bfree) * s.bsize;
  };

  beforeAll(() => {
    jobs = writeJobs(path.join(dir, 'inputs'), 300);
    fs.mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512m', 'tmpfs', mount]);
    const template = copyPgliteTemplate();
    fs.cpSync(template, pgdataPaths(mount).live, { recursive: true });
    fs.rmSync(path.dirname(template), { recursive: true, force: true });
    expect(runCli(target, jobs.a).status).toBe(0);
  }, 300_000);

  afterAll(() => {
    execFileSync('umount', [mount]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a run whose copy of the database does not fit, before copying', async () => {
    viewA = await serverView(target);
    resize(used() + 40 * mib);
    const r = runCli(target, jobs.b);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^Error: not enough space under ${mount}: a run works on a copy of the database and needs \\d+ MiB, \\d+ MiB are free\\. ` +
          'The previous publication is unchanged; free some space and run again\\.\\nNothing was published\\.\\n$',
      ),
    );
    expect(fs.readdirSync(mount).sort()).toEqual(['pgdata', 'reports']);
    expect(await serverView(target)).toEqual(viewA);
  }, 120_000);

  it('fails cleanly when the disk fills during the run, and publishes once there is space again', async () => {
    resize(used() + 400 * mib);
    const filler = path.join(mount, 'filler');
    const child = spawn(process.execPath, ['bin/quartiersmonitor.mjs', 'run', jobs.b], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', DATA_DIR: mount, DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (d) => {
        const before = stdout;
        stdout += d;
        // Once the records are staged (the next step starts), something else takes all but 1 MiB of the disk.
        if (!before.includes('Context indicators …') && stdout.includes('Context indicators …')) {
          const s = fs.statfsSync(mount);
          execFileSync('fallocate', ['-l', String(s.bavail * s.bsize - mib), filler]);
        }
      });
      child.on('exit', resolve);
    });
    expect(stdout).toContain('Context indicators …');
    expect(code).toBe(1);
    // The free space is measured before the run's copy is removed: a few MiB (the disk now fills while publishing, later in the run).
    expect(stderr.split('\n').slice(-3)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Error: not enough space under ${mount}: the run filled the disk, \\d{1,2} MiB are free\\. ` +
            'The previous publication is unchanged; free some space and run again\\.$',
        ),
      ),
      'Nothing was published.',
      '',
    ]);
    expect(fs.readdirSync(mount).sort()).toEqual(['filler', 'pgdata', 'reports']);

    fs.rmSync(filler);
    expect(await serverView(target)).toEqual(viewA);
    expect(runCli(target, jobs.b).status).toBe(0);
    const b = await serverView(target);
    expect(b.dataVersion).not.toBe(viewA.dataVersion);
    expect(b).toMatchObject({ stagingTables: 0, runningRuns: 0, leftoverDirs: [] });
  }, 300_000);
});
