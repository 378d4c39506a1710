// The joint audit on a count table dumped by a run with QM_AUDIT_DUMP=<file>
// (the table's counts, hidden ones included: a local file, written owner-only).
// In one run: the first round with neighbourhoods (the default), the same round
// with programs over whole systems only (the baseline), then the whole repair
// (`protectJointly`, every round).
//   QM_AUDIT_DUMP=/tmp/t.json DATA_DIR=/tmp/x node bin/quartiersmonitor.mjs run <job>
//   node --import tsx bench/audit.mts /tmp/t.json
import fs from 'node:fs';
import { auditSuppression, protectJointly } from '../pipeline/protect/audit.ts';
import { machine } from './lib.ts';

const d = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8'));
const fixed = (i: number) => fixedSet.has(i);
const fixedSet = new Set<number>(d.fixed);

async function firstRound(localLimit: number | undefined) {
  const started = Date.now();
  const r = await auditSuppression({
    values: d.values,
    status: d.groupwise,
    equations: d.equations,
    unpublished: fixed,
    minCount: d.k,
    localLimit,
  });
  return { ms: Date.now() - started, ...r };
}

console.log(`machine: ${machine()}; ${d.values.length} cells, k = ${d.k}`);
const near = await firstRound(undefined);
const whole = await firstRound(Infinity);
const same = JSON.stringify(near.narrowed.map((n) => n.cell)) === JSON.stringify(whole.narrowed.map((n) => n.cell));
for (const [name, r] of [
  ['first round, neighbourhoods', near],
  ['first round, whole systems only', whole],
] as const)
  console.log(
    `${name}: ${r.ms} ms, ${r.narrowed.length} narrowed of ${r.audited}, ${r.solves} LPs, ${r.local} decided locally, largest system ${r.largest}`,
  );
console.log(`ratio neighbourhoods / whole systems: ${(near.ms / whole.ms).toFixed(2)}; same cells narrowed: ${same}`);

const started = Date.now();
const joint = await protectJointly(d.groupwise, { values: d.values, groups: d.groups, equations: d.equations, fixed, minCount: d.k });
console.log(
  `repair: ${Date.now() - started} ms, ${joint.narrowedAtFirst} narrowed at first, ${joint.added} hidden in addition, ${joint.rounds} rounds, ${joint.solves} LPs`,
);
