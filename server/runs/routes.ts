import path from 'node:path';
import { Hono } from 'hono';
import type { PublicationState } from '../publication.ts';
import { versionHeaders } from '../respond.ts';
import type { RunsRepository } from './repository.ts';

interface StoredReport {
  dataVersion?: string;
  schuljahre?: string[];
  inputs?: { file: string; sha256: string; rows?: number }[];
  account?: { rows: number; buckets: Record<string, { rows: number }> };
  matchRate?: Record<string, number>;
  matchRateBySchuljahr?: Record<string, number>;
  matchRateBySchool?: Record<string, { records: number; assigned: number }>;
  suppression?: { cells: number; hiddenCells: number; values: number; suppressed: number };
  timingsMs?: Record<string, number>;
}

/**
 * A run report as the public may see it: city-wide totals, file names without
 * local paths, and per-school match rates only where neither the assigned nor the
 * unassigned count lies between 1 and k−1 (a rate and its total would reveal it).
 * The quarantine file and unplaced offers stay in the local report.
 */
export function toRunSummary(row: Awaited<ReturnType<RunsRepository['latest']>>[number], k: number) {
  const r = ((typeof row.report === 'string' ? JSON.parse(row.report) : row.report) ?? {}) as StoredReport;
  const safe = (n: number) => n === 0 || n >= k;
  const bySchool = Object.entries(r.matchRateBySchool ?? {})
    .filter(([, s]) => safe(s.assigned) && safe(s.records - s.assigned) && s.records > 0)
    .map(([nr, s]) => [nr, Math.round((s.assigned / s.records) * 1e4) / 1e4] as const);
  return {
    runId: row.run_id,
    jobName: row.job_name,
    status: row.status,
    startedAt: new Date(row.started_at).toISOString(),
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
    dataVersion: r.dataVersion ?? null,
    schuljahre: r.schuljahre ?? [],
    inputs: (r.inputs ?? []).map((i) => ({ file: path.basename(i.file), sha256: i.sha256, rows: i.rows ?? null })),
    records: r.account?.rows ?? null,
    buckets: Object.fromEntries(Object.entries(r.account?.buckets ?? {}).map(([b, v]) => [b, v.rows])),
    matchRate: r.matchRate ?? {},
    matchRateBySchuljahr: r.matchRateBySchuljahr ?? {},
    matchRateBySchool: Object.fromEntries(bySchool),
    suppression: r.suppression
      ? {
          cells: r.suppression.cells,
          hiddenCells: r.suppression.hiddenCells,
          values: r.suppression.values,
          suppressed: r.suppression.suppressed,
        }
      : null,
    timingsMs: r.timingsMs ?? {},
  };
}

/** `/api/runs`: the latest pipeline runs, without personal data or small counts. */
export function runRoutes(deps: { runs: RunsRepository; publication: PublicationState }) {
  const app = new Hono();
  app.get('/', async (c) => {
    const pub = await deps.publication.current();
    const k = pub?.disclosure.minCount ?? 3;
    const rows = await deps.runs.latest(20);
    versionHeaders(c, pub?.dataVersion ?? null);
    return c.json({ dataVersion: pub?.dataVersion ?? null, runs: rows.map((r) => toRunSummary(r, k)) });
  });
  return app;
}
