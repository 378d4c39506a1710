import { Hono } from 'hono';
import type { Database } from '../../core/db/index.ts';
import { AppError } from '../../core/errors.ts';
import { exportRows, toCsv, toGeoJson, toWideCsv } from '../../pipeline/export/export.ts';
import { exportMeta, toXlsx } from '../../pipeline/export/xlsx.ts';
import type { PublicationState } from '../publication.ts';
import { requirePublication, versionHeaders } from '../respond.ts';
import { ExportQuery } from '../schemas.ts';
import { parseQuery } from '../validate.ts';

const TYPES = {
  csv: 'text/csv; charset=utf-8',
  geojson: 'application/geo+json',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/**
 * `/api/export/{level}.csv|.geojson|.xlsx`: the CLI export over HTTP, from the
 * same code, so every format carries exactly the suppression of the API and tiles.
 */
export function exportRoutes(deps: { getDb: () => Database; publication: PublicationState }) {
  const app = new Hono();
  app.get('/:file{[^/]+\\.(csv|geojson|xlsx)}', async (c) => {
    const q = parseQuery(c, ExportQuery);
    const file = c.req.param('file');
    const format = file.slice(file.lastIndexOf('.') + 1) as keyof typeof TYPES;
    // Hono has decoded the parameter already; decoding again broke on a literal "%" (found by API fuzzing).
    const level = file.slice(0, file.lastIndexOf('.'));
    if (q.shape === 'wide' && format !== 'csv') throw new AppError('bad_request', 'shape=wide is available for CSV only');
    const pub = await requirePublication(deps.publication);
    const db = deps.getDb();
    const rows = await exportRows(db, { level, schuljahr: q.schuljahr, indicators: q.indicators });
    const body =
      format === 'xlsx'
        ? new Uint8Array(await toXlsx(rows, await exportMeta(db, [...new Set(rows.map((r) => r.indicator))])))
        : format === 'geojson'
          ? toGeoJson(rows)
          : (q.shape === 'wide' ? toWideCsv : toCsv)(rows, { decimalComma: q.decimalComma ?? false });
    versionHeaders(c, pub.dataVersion);
    c.header('Content-Type', TYPES[format]);
    const name = `quartiersmonitor_${level}_${q.schuljahr?.replace('/', '-') ?? 'alle'}_${pub.dataVersion}.${format}`.replace(
      /[^\w.-]/g,
      '_',
    );
    c.header('Content-Disposition', `attachment; filename="${name}"`);
    return c.body(body);
  });
  return app;
}
