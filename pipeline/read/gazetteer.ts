import { AppError } from '../../core/errors.ts';
import type { GazetteerEntry } from '../geocode/gazetteer.ts';
import type { Job } from '../job.ts';
import { openCsv, requireColumn } from './csv.ts';
import { checkCoordinateRange, crsFromGeoJson, readJsonFile } from './geo.ts';

export interface GazetteerFile {
  srid: number;
  entries: GazetteerEntry[];
  sha256: string;
}

type Spec = Job['addresses'];

/** Reads the official house coordinates (CSV with x/y columns, or point GeoJSON). */
export async function readGazetteer(spec: Spec): Promise<GazetteerFile> {
  return spec.format === 'csv' ? readCsvGazetteer(spec) : readGeoJsonGazetteer(spec);
}

async function readCsvGazetteer(spec: Spec): Promise<GazetteerFile> {
  const { file } = spec;
  if (!spec.x || !spec.y) throw new AppError('invalid_job', 'addresses: a CSV gazetteer needs "x" and "y" column names', { file });
  const t = await openCsv(file);
  const street = requireColumn(t, file, spec.street);
  const number = requireColumn(t, file, spec.number);
  const suffix = spec.suffix ? requireColumn(t, file, spec.suffix) : -1;
  const postcode = spec.postcode ? requireColumn(t, file, spec.postcode) : -1;
  const municipality = spec.municipality ? requireColumn(t, file, spec.municipality) : -1;
  const xi = requireColumn(t, file, spec.x);
  const yi = requireColumn(t, file, spec.y);
  const srid = spec.crs ?? 4326;
  const entries: GazetteerEntry[] = [];
  for await (const row of t.rows) {
    if (row.fields.length !== t.header.length) {
      throw new AppError('invalid_input', `expected ${t.header.length} fields, found ${row.fields.length}`, { file, line: row.line });
    }
    const x = parseCoordinate(row.fields[xi]!, { file, line: row.line, column: spec.x });
    const y = parseCoordinate(row.fields[yi]!, { file, line: row.line, column: spec.y });
    checkCoordinateRange(srid, x, y, { file, line: row.line });
    const field = (i: number) => (i >= 0 ? row.fields[i]! : '');
    entries.push({
      street: row.fields[street]!,
      number: row.fields[number]!,
      suffix: field(suffix),
      postcode: field(postcode),
      municipality: field(municipality),
      x,
      y,
    });
  }
  return { srid, entries, sha256: t.info.sha256 };
}

/** Accepts a decimal point or a German decimal comma. */
function parseCoordinate(raw: string, where: { file: string; line: number; column: string }): number {
  const v = Number(raw.trim().replace(',', '.'));
  if (raw.trim() === '' || !Number.isFinite(v)) throw new AppError('invalid_input', `expected a number, found "${raw}"`, where);
  return v;
}

async function readGeoJsonGazetteer(spec: Spec): Promise<GazetteerFile> {
  const { file } = spec;
  const { json, sha256 } = readJsonFile(file);
  const doc = json as { type?: string; features?: unknown[]; crs?: unknown };
  if (doc?.type !== 'FeatureCollection' || !Array.isArray(doc.features)) {
    throw new AppError('invalid_input', 'expected a GeoJSON FeatureCollection of points', { file });
  }
  const srid = spec.crs ?? crsFromGeoJson(doc.crs, file) ?? 4326;
  const entries: GazetteerEntry[] = [];
  doc.features.forEach((f, i) => {
    const feat = f as { properties?: Record<string, unknown>; geometry?: { type?: string; coordinates?: number[] } | null };
    const p = feat.properties ?? {};
    const c = feat.geometry?.type === 'Point' ? feat.geometry.coordinates : undefined;
    if (!c || !Number.isFinite(c[0]) || !Number.isFinite(c[1])) {
      throw new AppError('invalid_input', 'expected a Point geometry', { file, column: `features[${i}]` });
    }
    checkCoordinateRange(srid, c[0]!, c[1]!, { file, line: i + 1 });
    const str = (k: string | undefined) => (k && p[k] !== undefined && p[k] !== null ? String(p[k]) : '');
    entries.push({
      street: str(spec.street),
      number: str(spec.number),
      suffix: str(spec.suffix),
      postcode: str(spec.postcode),
      municipality: str(spec.municipality),
      x: c[0]!,
      y: c[1]!,
    });
  });
  return { srid, entries, sha256 };
}
