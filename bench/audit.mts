// The first round of the joint audit on a count table dumped by a run with
// QM_AUDIT_DUMP=<file>: time, LPs, and the seconds each system takes.
//   QM_AUDIT_DUMP=/tmp/t.json DATA_DIR=/tmp/x node bin/quartiersmonitor.mjs run <job>
//   node --import tsx bench/audit.mts /tmp/t.json
import fs from 'node:fs';
import { auditSuppression } from '../pipeline/protect/audit.ts';

const d = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8'));
const fixed = new Set<number>(d.fixed);
const started = Date.now();
let last = started;
const slow: string[] = [];
const r = await auditSuppression({
  values: d.values,
  status: d.groupwise,
  equations: d.equations,
  unpublished: (i) => fixed.has(i),
  minCount: d.k,
  localLimit: process.env.LIMIT ? Number(process.env.LIMIT) : undefined,
  onProgress: (done, total) => {
    const now = Date.now();
    if (now - last > 300) slow.push(`  system ending at ${done}/${total}: ${now - last} ms`);
    last = now;
  },
});
console.log(`${Date.now() - started} ms, ${r.narrowed.length} narrowed of ${r.audited}, ${r.solves} LPs, largest system ${r.largest}`);
console.log(slow.join('\n'));
