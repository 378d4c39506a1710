import { AppError } from '../../core/errors.ts';
import type { Job } from '../job.ts';
import { readBoundaries } from './boundaries.ts';

/**
 * Municipalities for resolving the Wohnort of Einpendler. Reads the NRW VG250
 * GeoJSON as published (attributes are one-element arrays, the id is the 12-digit
 * ARS) or any GeoJSON with an 8-digit AGS.
 */
export function readGemeinden(spec: NonNullable<Job['gemeinden']>) {
  const lvl = readBoundaries({ ...spec, level: 'Gemeinde' });
  const seen = new Set<string>();
  const gemeinden = lvl.features.map((f, i) => {
    const ags = /^\d{12}$/.test(f.id) ? f.id.slice(0, 5) + f.id.slice(9) : f.id;
    if (!/^\d{8}$/.test(ags)) {
      throw new AppError('invalid_input', `expected an 8-digit AGS or a 12-digit ARS, found "${f.id}"`, {
        file: spec.file,
        column: `features[${i}].properties.${spec.idProperty}`,
      });
    }
    if (seen.has(ags)) throw new AppError('invalid_input', `duplicate AGS ${ags}`, { file: spec.file, column: `features[${i}]` });
    seen.add(ags);
    return { ags, name: f.name, geometry: f.geometry };
  });
  return { gemeinden, srid: lvl.srid, sha256: lvl.sha256 };
}
