import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgdataPaths } from '../../core/db/embedded.ts';
import { engines, copyPgliteTemplate, type TestDatabase } from '../helpers/engines.ts';
import { killAtEach, runCli, samplePoints, serverView, tracePoints, writeJobs, type ServerView, type Target } from '../helpers/faults.ts';

/**
 * The pipeline CLI killed with SIGKILL at points of a run that core/fault.ts names
 * and a traced run lists (about 60): 21 of them on PostgreSQL, 10 on PGlite, where
 * each start costs some 4 s; bench/faults.ts kills at every point. After every kill: the server, started on
 * the same database, shows the previous publication unchanged (or, once the switch
 * is done, the new one, complete), and that start has cleared what the run left
 * (the embedded copy; PostgreSQL staging tables with the raw records and the run
 * marked running). The kills are chained: each killed run starts on what the
 * previous one left, so reaching its own kill point shows that the next run works;
 * a last run without a kill publishes. A tiny Musterstadt (300 pupils a year,
 * two levels: `writeJobs`) keeps this short.
 */
describe.each(engines())('[$name] pipeline run killed with SIGKILL', (engine) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-faults-'));
  const target: Target = { engine: engine.name, dataDir: path.join(dir, 'data') };
  let pg: TestDatabase | undefined;
  let jobs: { a: string; b: string };
  let points: string[] = [];
  let viewA: ServerView;
  let viewB: ServerView;

  beforeAll(async () => {
    jobs = writeJobs(dir, 300);
    if (engine.name === 'pglite') {
      fs.mkdirSync(target.dataDir);
      fs.renameSync(copyPgliteTemplate(), pgdataPaths(target.dataDir).live);
    } else {
      pg = await engine.open();
      target.databaseUrl = pg.location;
    }
    // Learn the points from a run of B, then publish A: the state every kill starts from.
    points = tracePoints(target, jobs.b, path.join(dir, 'trace.txt'));
    viewB = await serverView(target);
    expect(runCli(target, jobs.a).status).toBe(0);
    viewA = await serverView(target);
  }, 300_000);

  afterAll(async () => {
    await pg?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('passes every fault point once, and the two publications differ', () => {
    expect(new Set(points).size).toBe(points.length);
    expect(points.length).toBeGreaterThanOrEqual(50);
    expect(viewA.dataVersion).toMatch(/^[0-9a-f]{12}$/);
    expect(viewB.dataVersion).toMatch(/^[0-9a-f]{12}$/);
    expect(viewA.dataVersion).not.toBe(viewB.dataVersion);
    expect(viewA.exportCsv).not.toBe(viewB.exportCsv);
    expect(viewA.exportCsv.split('\r\n').length).toBeGreaterThan(100);
  });

  it('keeps a readable publication, and clears what a killed run left at the next start', async () => {
    const kills = samplePoints(points, engine.name);
    const outcomes = await killAtEach(target, jobs, points, kills, { a: viewA, b: viewB });
    const summary = outcomes.map(
      (o) => `${o.point}: ${o.shown}${o.left.length ? ` (${o.left})` : ''}${o.stagedRecords ? ` (${o.stagedRecords} staged)` : ''}`,
    );
    // What the kills left before the next start, so the clearing checked above had something to clear.
    if (engine.name === 'pglite') {
      expect(summary).toEqual([
        'copy:made: A (pgdata.next)',
        'run:registered: A (pgdata.next)',
        'records:end: A (pgdata.next)',
        'aggregate:end: A (pgdata.next)',
        `${kills[4]}: A (pgdata.next)`,
        `${kills[5]}: A (pgdata.next)`,
        'publish:committed: A (pgdata.next)',
        'copy:closed: A (pgdata.next)',
        'switch:live-moved: A (pgdata.next,pgdata.old)',
        'switch:copy-live: B (pgdata.old)',
      ]);
    } else {
      expect(kills.length).toBeGreaterThanOrEqual(20);
      expect(summary.slice(0, 3)).toEqual(['run:registered: A', 'staging:reset: A', 'boundaries:end: A']);
      expect(summary).toContain('records:end: A (965 staged)');
      expect(summary.slice(-2)).toEqual(['publish:committed: B', 'publish:end: B']);
    }
    const last = runCli(target, jobs.b);
    expect(last.status).toBe(0);
    expect(await serverView(target)).toEqual(viewB);
  }, 900_000);
});
