import { sql } from 'kysely';
import type { Database } from '../../core/db/index.ts';
import { AppError } from '../../core/errors.ts';

/**
 * Exports of published values in long format: one row per area × Schuljahr ×
 * indicator. Reads the published schema only, so what leaves here is exactly
 * what the API and the tiles show, suppression included.
 */
export interface ExportOptions {
  level: string;
  schuljahr?: string | undefined;
  indicators?: readonly string[] | undefined;
}

export interface ExportRow {
  level: string;
  area_id: string;
  area_name: string;
  schuljahr: string;
  indicator: string;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  suppressed: boolean;
  reason: string | null;
}

export const EXPORT_COLUMNS = [
  'level',
  'area_id',
  'area_name',
  'schuljahr',
  'indicator',
  'numerator',
  'denominator',
  'value',
  'suppressed',
  'reason',
] as const;

export async function exportRows(db: Database, o: ExportOptions): Promise<(ExportRow & { geojson?: string })[]> {
  const level = await db.kysely.selectFrom('published.levels').select('level').where('level', '=', o.level).executeTakeFirst();
  if (!level) {
    const all = await db.kysely.selectFrom('published.levels').select('level').orderBy('ordinal').execute();
    throw new AppError(
      'bad_request',
      `unknown level "${o.level}"; levels are ${all.map((l) => l.level).join(', ') || '(nothing published)'}`,
    );
  }
  let q = db.kysely
    .selectFrom('published.indicator_values as v')
    .innerJoin('published.areas as a', (j) => j.onRef('a.level', '=', 'v.level').onRef('a.area_id', '=', 'v.area_id'))
    .select([
      'v.level',
      'v.area_id',
      'a.name as area_name',
      'v.schuljahr',
      'v.indicator_id as indicator',
      'v.numerator',
      'v.denominator',
      'v.value',
      'v.suppressed',
      'v.reason',
      sql<string>`ST_AsGeoJSON(a.geom, 6)`.as('geojson'),
    ])
    .where('v.level', '=', o.level);
  if (o.schuljahr) q = q.where('v.schuljahr', '=', o.schuljahr);
  if (o.indicators && o.indicators.length > 0) q = q.where('v.indicator_id', 'in', [...o.indicators]);
  const rows = await q.orderBy('v.area_id').orderBy('v.schuljahr').orderBy('v.indicator_id').execute();
  if (rows.length === 0) throw new AppError('not_found', 'no published values match the export');
  return rows;
}

/** CSV that German Excel opens as it is: UTF-8 with BOM, `;`, CRLF; decimal comma on request. */
export function toCsv(rows: readonly ExportRow[], options: { decimalComma?: boolean } = {}): string {
  return csvText(
    EXPORT_COLUMNS,
    rows.map((r) => EXPORT_COLUMNS.map((c) => r[c])),
    options,
  );
}

/**
 * The wide table: one row per area and Schuljahr, a value column per indicator
 * and next to it the reason when the value is withheld (same suppression as the long form).
 */
export function toWideCsv(rows: readonly ExportRow[], options: { decimalComma?: boolean } = {}): string {
  const indicators = [...new Set(rows.map((r) => r.indicator))].sort();
  const byUnit = new Map<string, { head: unknown[]; cells: Map<string, ExportRow> }>();
  for (const r of rows) {
    const key = `${r.area_id}\u0000${r.schuljahr}`;
    let unit = byUnit.get(key);
    if (!unit) byUnit.set(key, (unit = { head: [r.level, r.area_id, r.area_name, r.schuljahr], cells: new Map() }));
    unit.cells.set(r.indicator, r);
  }
  const header = ['level', 'area_id', 'area_name', 'schuljahr', ...indicators.flatMap((i) => [i, `${i}_reason`])];
  const body = [...byUnit.values()].map((u) => [
    ...u.head,
    ...indicators.flatMap((i) => [u.cells.get(i)?.value ?? null, u.cells.get(i)?.reason ?? null]),
  ]);
  return csvText(header, body, options);
}

function csvText(header: readonly string[], rows: readonly (readonly unknown[])[], options: { decimalComma?: boolean }): string {
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') return options.decimalComma ? String(v).replace('.', ',') : String(v);
    if (typeof v === 'boolean') return v ? 'ja' : 'nein';
    const s = String(v);
    return /[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [header.join(';'), ...rows.map((r) => r.map(cell).join(';'))];
  return '\ufeff' + lines.join('\r\n') + '\r\n';
}

export function toGeoJson(rows: readonly (ExportRow & { geojson?: string })[]): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    features: rows.map((r) => ({
      type: 'Feature',
      geometry: r.geojson ? JSON.parse(r.geojson) : null,
      properties: Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, r[c]])),
    })),
  });
}
