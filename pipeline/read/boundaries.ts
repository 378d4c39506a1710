import type { MultiPolygon, Polygon, Position } from 'geojson';
import { AppError } from '../../core/errors.ts';
import type { Job } from '../job.ts';
import { checkCoordinateRange, crsFromGeoJson, readJsonFile } from './geo.ts';

export interface BoundaryFeature {
  id: string;
  name: string;
  parentId: string | null;
  /** GeoJSON geometry text, reduced to 2-D. */
  geometry: string;
}

export interface BoundaryLevel {
  level: string;
  title: string;
  file: string;
  sha256: string;
  srid: number;
  features: BoundaryFeature[];
}

type Spec = Job['boundaries'][number];

export function readBoundaries(spec: Spec): BoundaryLevel {
  const { file } = spec;
  const { json, sha256 } = readJsonFile(file);
  const doc = json as { type?: string; features?: unknown[]; crs?: unknown };
  if (doc?.type !== 'FeatureCollection' || !Array.isArray(doc.features)) {
    throw new AppError('invalid_input', 'expected a GeoJSON FeatureCollection', { file });
  }
  const declared = spec.crs ?? crsFromGeoJson(doc.crs, file);
  const srid = declared ?? 4326;
  const hint =
    declared === undefined
      ? '; a GeoJSON file without "crs" member is read as EPSG:4326 (longitude, latitude): give its CRS as "crs" in the job'
      : '';
  const seen = new Set<string>();
  const features = doc.features.map((f, i) => {
    const where = { file, column: `features[${i}]` };
    const feat = f as { properties?: Record<string, unknown>; geometry?: { type?: string } | null };
    const props = feat.properties ?? {};
    const rawId = props[spec.idProperty];
    if (rawId === undefined || rawId === null || String(rawId).trim() === '') {
      throw new AppError('invalid_input', `feature has no "${spec.idProperty}" (idProperty)`, where);
    }
    const id = String(Array.isArray(rawId) ? rawId[0] : rawId).trim();
    if (seen.has(id)) throw new AppError('invalid_input', `duplicate area id "${id}" in level ${spec.level}`, where);
    seen.add(id);
    const rawName = props[spec.nameProperty];
    const name = String(Array.isArray(rawName) ? rawName[0] : (rawName ?? '')).trim();
    if (!name) throw new AppError('invalid_input', `feature "${id}" has no "${spec.nameProperty}" (nameProperty)`, where);
    const type = feat.geometry?.type;
    if (type !== 'Polygon' && type !== 'MultiPolygon') {
      throw new AppError('invalid_input', `feature "${id}": expected Polygon or MultiPolygon, got ${type ?? 'no geometry'}`, where);
    }
    const rawParent = spec.parentProperty ? props[spec.parentProperty] : undefined;
    const parentId = rawParent === undefined || rawParent === null || rawParent === '' ? null : String(rawParent).trim();
    const geometry = to2d(feat.geometry as Polygon | MultiPolygon, where, (x, y) => checkCoordinateRange(srid, x, y, where, hint));
    return { id, name, parentId, geometry: JSON.stringify(geometry) };
  });
  if (features.length === 0) throw new AppError('invalid_input', `no features in level ${spec.level}`, { file });
  return { level: spec.level, title: spec.title ?? spec.level, file, sha256, srid, features };
}

/**
 * Drops Z and M: real files carry [lon, lat, 0, 0] or [lon, lat, 0, null] (Essen),
 * which parsers disagree about. Checks every position is a pair of finite numbers
 * in the range of the CRS (a wrong or missing CRS, swapped axes).
 */
function to2d(
  g: Polygon | MultiPolygon,
  where: { file: string; column: string },
  check: (x: number, y: number) => void,
): Polygon | MultiPolygon {
  const pos = (p: Position): Position => {
    if (!Array.isArray(p) || p.length < 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      throw new AppError('invalid_input', `invalid coordinate ${JSON.stringify(p)}`, where);
    }
    check(p[0]!, p[1]!);
    return [p[0]!, p[1]!];
  };
  const ring = (r: Position[]) => {
    if (!Array.isArray(r) || r.length < 4) throw new AppError('invalid_input', 'a polygon ring needs at least 4 positions', where);
    return r.map(pos);
  };
  return g.type === 'Polygon'
    ? { type: 'Polygon', coordinates: g.coordinates.map(ring) }
    : { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map(ring)) };
}
