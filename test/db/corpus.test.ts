import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJob, type Job } from '../../pipeline/job.ts';
import { runJob } from '../../pipeline/run.ts';
import { writeMusterstadt, DEMO_JOB } from '../../fixtures/musterstadt/index.ts';
import { engines, type TestDatabase } from '../helpers/engines.ts';
import { silentLog } from '../helpers/demo.ts';
import { ROOT } from '../helpers/requirements.ts';

/**
 * The bad-input corpus (test/corpus/<input>/): every file comes with
 * `<file>.expected`, which states the outcome of a run of the tiny Musterstadt with
 * that file in place of its input:
 *
 *   error: <message>            the run fails with exactly this message ({file} is the
 *                               file's path), and nothing is published;
 *   <line>: <bucket>            otherwise, the bucket each pupil record (by its line in
 *                               the record file; for other inputs records/valid.csv) ends in, rejected ones with
 *                               the column that was wrong: `7: rejected:invalid_jahrgang (Jahrgang)`;
 *   areas: <level> <n>          for other inputs: the run publishes n areas on that level;
 *   spec: <json>                merged into the input's job entry (e.g. a `crs`);
 *   # …                         what the file is, for people.
 *
 * Every line of a record file must be named, and the named buckets must be exactly
 * the ones the run reports: a record is never lost, and never counted twice.
 */
const CORPUS = path.join(ROOT, 'test/corpus');

interface Expectation {
  error?: string;
  lines: Map<number, string>;
  areas?: { level: string; n: number };
  spec: Record<string, unknown>;
}

function readExpectation(file: string): Expectation {
  const e: Expectation = { lines: new Map(), spec: {} };
  for (const raw of fs.readFileSync(`${file}.expected`, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [, key, value] = /^([\w]+):\s*(.*)$/.exec(line) ?? [];
    if (!key) throw new Error(`${file}.expected: cannot read "${line}"`);
    if (key === 'error') e.error = value!.replaceAll('{file}', file);
    else if (key === 'spec') e.spec = JSON.parse(value!);
    else if (key === 'areas') {
      const [level, n] = value!.split(/\s+/);
      e.areas = { level: level!, n: Number(n) };
    } else if (/^\d+$/.test(key)) e.lines.set(Number(key), value!);
    else throw new Error(`${file}.expected: unknown key ${key}`);
  }
  return e;
}

const cases = (input: string) =>
  fs
    .readdirSync(path.join(CORPUS, input))
    .filter((f) => !f.endsWith('.expected'))
    .sort()
    .map((f) => [f, path.join(CORPUS, input, f)] as const);

/** The tiny Musterstadt's job (in `dir`) with one input replaced by a corpus file; staging kept to read each record's bucket. */
function jobWith(dir: string, input: string, file: string, spec: Record<string, unknown>): Job {
  const raw = JSON.parse(fs.readFileSync(DEMO_JOB, 'utf8'));
  raw.records = [{ file: path.join(CORPUS, 'records/valid.csv') }];
  raw.keepStaging = true;
  if (input === 'records') raw.records = [{ file, ...spec }];
  else if (input === 'boundaries') raw.boundaries[0] = { ...raw.boundaries[0], file, ...spec };
  else raw[input] = { ...raw[input], file, ...spec };
  return parseJob(JSON.stringify(raw), path.join(dir, 'job.json')); // relative paths resolve against dir
}

describe.each(engines().filter((e) => e.name === 'pglite'))('[$name] bad-input corpus', (engine) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-corpus-'));
  const reportDir = path.join(dir, 'reports');
  let t: TestDatabase;
  let published: string;
  const quiet = Object.assign(Object.create(process.stdout), { write: () => true, isTTY: false }) as NodeJS.WriteStream;

  beforeAll(async () => {
    writeMusterstadt(path.join(dir, 'out'), { pupilsPerYear: 300 });
    t = await engine.open();
    published = (await run(jobWith(dir, 'records', path.join(CORPUS, 'records/valid.csv'), {}))).dataVersion;
  }, 300_000);

  afterAll(async () => {
    await t?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = (job: Job) => runJob(t.db, job, { reportDir, out: quiet, log: silentLog });
  const currentVersion = async () => (await t.db.query<{ v: string }>('SELECT data_version AS v FROM meta.publication'))[0]?.v;

  describe.each(['records', 'addresses', 'schools', 'boundaries'].filter((i) => fs.existsSync(path.join(CORPUS, i))))('%s', (input) => {
    it.each(cases(input))('%s', async (_name, file) => {
      const expected = readExpectation(file);
      const job = jobWith(dir, input, file, expected.spec);
      if (expected.error !== undefined) {
        await expect(run(job)).rejects.toHaveProperty('message', expected.error);
        expect(await currentVersion()).toBe(published);
        return;
      }
      const report = await run(job);
      published = report.dataVersion;
      if (expected.areas) {
        const [r] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM published.areas WHERE level = $1', [
          expected.areas.level,
        ]);
        expect(r!.n).toBe(expected.areas.n);
      }
      if (expected.lines.size === 0) return;

      // Line by line (for other inputs: of the records/valid.csv that their job reads): valid records from staging (kept for this), rejected ones from the quarantine file.
      const staged = await t.db.query<{ line: number; bucket: string }>('SELECT line, bucket FROM staging.records ORDER BY line');
      const quarantined = fs
        .readFileSync(report.quarantineFile, 'utf8')
        .split('\r\n')
        .slice(1)
        .filter((l) => l !== '')
        .map((l) => l.split(';'))
        .filter((f) => f[2] === 'rejected')
        .map((f) => ({ line: Number(f[1]), bucket: `rejected:${f[3]} (${f[4]})` }));
      const actual = new Map([...staged, ...quarantined].map((r) => [r.line, r.bucket]));
      expect(Object.fromEntries([...actual].sort((a, b) => a[0] - b[0]))).toEqual(Object.fromEntries(expected.lines));

      const tally: Record<string, number> = {};
      for (const b of expected.lines.values()) tally[b.replace(/ \(.*\)$/, '')] = (tally[b.replace(/ \(.*\)$/, '')] ?? 0) + 1;
      expect(Object.fromEntries(Object.entries(report.account.buckets).map(([k, v]) => [k, v.rows]))).toEqual(tally);
      expect(report.account.rows).toBe(expected.lines.size);
    });
  });
});
