import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshTarget, killAtEach, runCli, serverView, tracePoints, writeJobs, type Target } from '../test/helpers/faults.ts';
import { machine } from './lib.ts';

/**
 * The long form of test/db/faults.test.ts: a pipeline run killed with SIGKILL at
 * every fault point it passes, on PGlite and (with BENCH_DATABASE_URL, a database
 * the benchmark may drop and recreate) on PostgreSQL, with the same checks after
 * every kill. Prints a Markdown table for docs/benchmarks.md.
 *
 *   npm run bench:faults [-- <pupils per year, default 2500>]
 */
const pupilsPerYear = Number(process.argv[2] ?? 2500);

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-bench-faults-'));
  const jobs = writeJobs(dir, pupilsPerYear);
  const lines = [`Machine: ${machine()}; Musterstadt with ${pupilsPerYear} pupils a year`, ''];
  lines.push('| engine | points | killed | showed A / B after the kill | leftovers cleared | median s per kill + check | final run |');
  lines.push('|---|---|---|---|---|---|---|');
  const engines: Target['engine'][] = process.env.BENCH_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
  for (const engine of engines) {
    const target = await freshTarget(engine, dir, process.env.BENCH_DATABASE_URL);
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
    lines.push(
      `| ${engine} | ${points.length} | ${outcomes.length} | ${shownA} / ${outcomes.length - shownA} | ${left} of ${outcomes.length} left something; all cleared | ${(ms[Math.floor(ms.length / 2)]! / 1000).toFixed(1)} | ${final} |`,
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
