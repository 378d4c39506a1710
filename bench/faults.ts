import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  freshTarget,
  killAtEach,
  leftoverDirs,
  pgStagedRecords,
  runCli,
  serverView,
  tracePoints,
  writeJobs,
  type Target,
} from '../test/helpers/faults.ts';
import { freshDatabase, machine } from './lib.ts';

/**
 * The long form of test/db/faults.test.ts: a pipeline run killed with SIGKILL at
 * every fault point it passes, on PGlite and (with BENCH_DATABASE_URL, as for
 * bench:pipeline a connection that may create databases: the run gets a new one,
 * dropped at the end) on PostgreSQL, with the same checks after every kill.
 * Prints a Markdown table for docs/benchmarks.md, a row as soon as an engine is done.
 *
 *   npm run bench:faults [-- <pupils per year, default 2500>]
 */
const pupilsPerYear = Number(process.argv[2] ?? 2500);

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-bench-faults-'));
  const jobs = writeJobs(dir, pupilsPerYear);
  const print = (line: string) => process.stdout.write(line + '\n');
  print(`Machine: ${machine()}; Musterstadt with ${pupilsPerYear} pupils a year\n`);
  print(
    '| engine | points | killed | showed A / B after the kill | kills that left something | median s per kill + check | final run | left after it |',
  );
  print('|---|---|---|---|---|---|---|---|');
  const pgDb = process.env.BENCH_DATABASE_URL ? await freshDatabase(process.env.BENCH_DATABASE_URL) : null;
  const engines: Target['engine'][] = pgDb ? ['pglite', 'postgres'] : ['pglite'];
  for (const engine of engines) {
    const target = await freshTarget(engine, dir, pgDb?.url);
    const points = tracePoints(target, jobs.b, path.join(dir, `trace-${engine}.txt`));
    const b = await serverView(target);
    if (runCli(target, jobs.a).status !== 0) throw new Error('publishing A failed');
    const a = await serverView(target);
    process.stderr.write(`${engine}: ${points.length} points\n`);
    const outcomes = await killAtEach(target, jobs, points, points, { a, b }, (o) =>
      process.stderr.write(
        `  ${o.point}: ${o.shown}${o.left.length ? ` (${o.left})` : ''}${o.stagedRecords ? ` (${o.stagedRecords} staged)` : ''} ${o.ms} ms\n`,
      ),
    );
    const last = runCli(target, jobs.b);
    const final = last.status === 0 && JSON.stringify(await serverView(target)) === JSON.stringify(b) ? 'published B' : 'FAILED';
    const ms = outcomes.map((o) => o.ms).sort((x, y) => x - y);
    const shownA = outcomes.filter((o) => o.shown === 'A').length;
    const left = outcomes.filter((o) => o.left.length > 0 || o.stagedRecords > 0).length;
    // What the final run left behind: copies of the data directory, staged records (keepStaging is off).
    const after = [...leftoverDirs(target), ...(target.databaseUrl && (await pgStagedRecords(target.databaseUrl)) > 0 ? ['staging'] : [])];
    print(
      `| ${engine} | ${points.length} | ${outcomes.length} | ${shownA} / ${outcomes.length - shownA} | ${left} of ${outcomes.length} | ${(ms[Math.floor(ms.length / 2)]! / 1000).toFixed(1)} | ${final} | ${after.join(', ') || 'nothing'} |`,
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
  await pgDb?.drop();
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
