import { AppError } from '../../core/errors.ts';
import type { Job } from '../job.ts';
import { crsFromGeoJson, readJsonFile } from './geo.ts';

export interface BoundaryFeature {
  id: string;
  name: string;
  parentId: string | null;
  /** GeoJSON geometry text, any dimension (2-D to 4-D): PostGIS forces 2-D. */
  geometry: string;
}

export interface BoundaryLevel {
  level: string;
  title: string;
  file: string;
  srid: number;
  features: BoundaryFeature[];
}

type Spec = Job['boundaries'][number];

export function readBoundaries(spec: Spec): BoundaryLevel {
  const { file } = spec;
  const doc = readJsonFile(file) as { type?: string; features?: unknown[]; crs?: unknown };
  if (doc?.type !== 'FeatureCollection' || !Array.isArray(doc.features)) {
    throw new AppError('invalid_input', 'expected a GeoJSON FeatureCollection', { file });
  }
  const srid = spec.crs ?? crsFromGeoJson(doc.crs, file) ?? 4326;
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
    return { id, name, parentId, geometry: JSON.stringify(feat.geometry) };
  });
  if (features.length === 0) throw new AppError('invalid_input', `no features in level ${spec.level}`, { file });
  return { level: spec.level, title: spec.title ?? spec.level, file, srid, features };
}
