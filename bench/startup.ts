import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, health, startServer, waitFor } from '../test/helpers/spawn.ts';

/**
 * Quick-start timings: seconds from `npm start`'s process start to /api/health
 * answering with a data version — first start on an empty data directory (web app
 * already built; creates the database, generates and loads the full demo), then a
 * second start that reuses the directory. Absolute numbers, recorded with the machine.
 *   npm run bench:startup [-- <runs>]
 */
const runs = Number(process.argv[2] ?? 3);
const first: number[] = [];
const second: number[] = [];
for (let i = 0; i < runs; i++) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-bench-start-'));
  const port = await freePort();
  for (const into of [first, second]) {
    const t0 = performance.now();
    const s = startServer({ DATA_DIR: dataDir, PORT: String(port) });
    await waitFor(async () => !!(await health(port))?.dataVersion, 180_000, 'health');
    into.push((performance.now() - t0) / 1000);
    s.child.kill('SIGTERM');
    await s.exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.stdout.write(`run ${i + 1}/${runs}: first ${first.at(-1)!.toFixed(1)} s, second ${second.at(-1)!.toFixed(1)} s\n`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
process.stdout.write(
  `\nmachine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${execSync('uname -sr').toString().trim()}\n` +
    `first start to health with data version: median ${median(first).toFixed(1)} s (min ${Math.min(...first).toFixed(1)}, max ${Math.max(...first).toFixed(1)})\n` +
    `second start: median ${median(second).toFixed(1)} s (min ${Math.min(...second).toFixed(1)}, max ${Math.max(...second).toFixed(1)})\n`,
);
