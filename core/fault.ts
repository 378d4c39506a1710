import fs from 'node:fs';
import type { Sql } from './db/index.ts';

/**
 * Fault injection for the crash tests (test/db/faults.test.ts, bench/faults.ts).
 * Inert unless QM_FAULT_KILL_AT or QM_FAULT_TRACE is set in the environment of
 * the process (read once, here; nothing else in the code base reads them).
 *
 * A run passes named points: the start and end of every stage, the steps of the
 * embedded copy-and-switch, every statement of the publishing transaction. With
 * QM_FAULT_KILL_AT=<point> the process sends itself SIGKILL on reaching the
 * point — the real signal, at a known place, so a test can say where it killed a
 * run and check what every such place leaves behind. With QM_FAULT_TRACE=<file>
 * every point reached is appended to the file, so a test first learns the points
 * of a run and then kills it at each of them.
 */
const KILL_AT = process.env.QM_FAULT_KILL_AT ?? '';
const TRACE = process.env.QM_FAULT_TRACE ?? '';

export function faultPoint(name: string): void {
  if (TRACE) fs.appendFileSync(TRACE, name + '\n');
  if (KILL_AT === name) process.kill(process.pid, 'SIGKILL');
}

/** The statements on `sql` become fault points `<prefix>:sql<n>` (n from 1, in order). */
export function withStatementFaults(sql: Sql, prefix: string): Sql {
  if (!KILL_AT && !TRACE) return sql;
  let n = 0;
  const point = () => faultPoint(`${prefix}:sql${++n}`);
  return {
    exec: (s) => (point(), sql.exec(s)),
    query: (s, p) => (point(), sql.query(s, p)),
    insertRows: (t, c, r) => (point(), sql.insertRows(t, c, r)),
  };
}
