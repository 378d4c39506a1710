import crypto from 'node:crypto';
import fs from 'node:fs';
import { AppError, type InputLocation } from '../../core/errors.ts';

/** EPSG code from a GeoJSON `crs` member (old-style named CRS); undefined when absent. */
export function crsFromGeoJson(crs: unknown, file: string): number | undefined {
  if (crs === undefined || crs === null) return undefined;
  const name = (crs as { properties?: { name?: unknown } }).properties?.name;
  if (typeof name !== 'string') throw new AppError('invalid_input', 'unreadable "crs" member', { file });
  if (/CRS84$/i.test(name)) return 4326;
  const m = /EPSG:{1,2}(\d{4,5})$/i.exec(name);
  if (!m) throw new AppError('invalid_input', `unsupported CRS "${name}"; expected an EPSG code`, { file });
  return Number(m[1]);
}

/** Parses a JSON file and returns it with the SHA-256 of its bytes (for the run report). */
export function readJsonFile(file: string): { json: unknown; sha256: string } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new AppError('invalid_input', `cannot read file: ${(err as NodeJS.ErrnoException).code ?? err}`, { file });
  }
  const text = bytes.toString('utf8');
  try {
    return { json: JSON.parse(text.replace(/^\ufeff/, '')), sha256: crypto.createHash('sha256').update(bytes).digest('hex') };
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    // A truncated file: the error is at its very end.
    const pos = m ? Number(m[1]) : /end of JSON input/.test((err as Error).message) ? text.length : undefined;
    const before = pos !== undefined ? text.slice(0, pos) : '';
    const line = pos !== undefined ? before.split('\n').length : undefined;
    const column = pos !== undefined ? pos - before.lastIndexOf('\n') : undefined;
    throw new AppError('invalid_input', `not valid JSON: ${(err as Error).message}`, {
      file,
      ...(line !== undefined ? { line } : {}),
      ...(column !== undefined ? { column } : {}),
    });
  }
}

/** Sanity check that coordinates fit the CRS: catches swapped axes and a wrong CRS early. */
export function checkCoordinateRange(srid: number, x: number, y: number, where: InputLocation, hint = ''): void {
  const ok =
    srid === 4326
      ? x >= -180 && x <= 180 && y >= -90 && y <= 90 && !(x > 45 && y < 20) // lon/lat, not lat/lon for Germany
      : srid === 25832
        ? x > 100_000 && x < 1_000_000 && y > 5_000_000 && y < 6_500_000
        : srid === 4647
          ? x > 32_100_000 && x < 33_000_000 && y > 5_000_000 && y < 6_500_000
          : true;
  if (!ok) {
    throw new AppError(
      'invalid_input',
      `coordinate (${x}, ${y}) is outside the range of EPSG:${srid} for Germany (swapped axes or wrong CRS?)${hint}`,
      where,
    );
  }
}
