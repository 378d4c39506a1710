import { columns, type Sql } from '../../core/db/index.ts';
import { AppError } from '../../core/errors.ts';
import type { BoundaryLevel } from '../read/boundaries.ts';

/**
 * Boundaries into staging.areas: forced to 2-D, repaired (ST_MakeValid), reduced
 * to their polygonal part, transformed to EPSG:4326. Row counts are checked,
 * because a GEOS error inside a PGlite statement may yield zero rows instead of
 * an error. Parents are derived spatially where the input gives none, and
 * nesting is verified where it does.
 */
/** GeoJSON text in a column `geojson` with SRID `srid` → a valid 2-D MultiPolygon in EPSG:4326. */
const VALID_MULTIPOLYGON = `ST_Multi(ST_CollectionExtract(ST_MakeValid(
  ST_Transform(ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(geojson)), srid), 4326)), 3))::geometry(MultiPolygon, 4326)`;

export async function loadBoundaries(sql: Sql, levels: BoundaryLevel[]): Promise<void> {
  for (const [ordinal, lvl] of levels.entries()) {
    const rows = lvl.features.map((f) => [lvl.level, ordinal, f.id, f.name, f.parentId, lvl.srid, f.geometry]);
    await sql.insertRows(
      'staging.areas_in',
      columns('level text, ordinal int, area_id text, name text, parent_id text, srid int, geojson text'),
      rows,
    );
  }
  await sql.exec(`
    INSERT INTO staging.areas (level, ordinal, area_id, name, parent_id, geom)
    SELECT level, ordinal, area_id, name, parent_id, geom FROM (
      SELECT level, ordinal, area_id, name, parent_id, ${VALID_MULTIPOLYGON} AS geom
      FROM staging.areas_in) g
    WHERE NOT ST_IsEmpty(geom);
    CREATE INDEX ON staging.areas USING gist (geom);
    ANALYZE staging.areas;
  `);
  const [counts] = await sql.query<{ n_in: number; n_out: number }>(
    'SELECT (SELECT count(*) FROM staging.areas_in)::int AS n_in, (SELECT count(*) FROM staging.areas)::int AS n_out',
  );
  if (counts!.n_in !== counts!.n_out) {
    const missing = await sql.query<{ level: string; area_id: string }>(
      `SELECT level, area_id FROM staging.areas_in i WHERE NOT EXISTS
         (SELECT 1 FROM staging.areas a WHERE a.level = i.level AND a.area_id = i.area_id) ORDER BY 1, 2 LIMIT 5`,
    );
    const list = missing.map((m) => `${m.level} ${m.area_id}`).join(', ');
    throw new AppError('invalid_input', `${counts!.n_in - counts!.n_out} area(s) have no usable polygon after repair: ${list}`, {
      file: levels[0]!.file,
    });
  }

  for (let i = 1; i < levels.length; i++) {
    const child = levels[i]!;
    const parent = levels[i - 1]!;
    if (child.features.every((f) => f.parentId === null)) {
      await sql.query(
        `UPDATE staging.areas c SET parent_id = (
           SELECT p.area_id FROM staging.areas p
           WHERE p.level = $2 AND ST_Intersects(p.geom, ST_PointOnSurface(c.geom))
           ORDER BY p.area_id LIMIT 1)
         WHERE c.level = $1`,
        [child.level, parent.level],
      );
    }
    // Every area needs a parent that exists and contains it.
    const bad = await sql.query<{ area_id: string; parent_id: string | null; problem: string }>(
      `SELECT c.area_id, c.parent_id,
         CASE WHEN c.parent_id IS NULL THEN 'lies in no area of the coarser level'
              WHEN p.area_id IS NULL THEN 'names a parent that does not exist'
              ELSE 'does not lie inside its parent' END AS problem
       FROM staging.areas c
       LEFT JOIN staging.areas p ON p.level = $2 AND p.area_id = c.parent_id
       WHERE c.level = $1 AND (p.area_id IS NULL OR NOT ST_Intersects(p.geom, ST_PointOnSurface(c.geom)))
       ORDER BY c.area_id LIMIT 5`,
      [child.level, parent.level],
    );
    if (bad.length > 0) {
      const b = bad[0]!;
      throw new AppError(
        'invalid_input',
        `${child.level} "${b.area_id}"${b.parent_id ? ` (parent "${b.parent_id}")` : ''} ${b.problem} (${parent.level})` +
          (bad.length > 1 ? `; ${bad.length - 1} more` : ''),
        { file: child.file },
      );
    }
  }
}

/** Municipalities (for Einpendler and the gemeinden tiles), repaired like the boundaries. */
export async function loadGemeinden(sql: Sql, gemeinden: readonly { ags: string; name: string; geometry: string }[], srid: number) {
  await sql.exec('CREATE TEMP TABLE gemeinden_in (ags text, name text, srid int, geojson text)');
  try {
    await sql.insertRows(
      'gemeinden_in',
      columns('ags text, name text, srid int, geojson text'),
      gemeinden.map((g) => [g.ags, g.name, srid, g.geometry]),
    );
    await sql.exec(`INSERT INTO staging.gemeinden (ags, name, geom)
      SELECT ags, name, geom FROM (SELECT ags, name, ${VALID_MULTIPOLYGON} AS geom FROM gemeinden_in) g WHERE NOT ST_IsEmpty(geom)`);
  } finally {
    await sql.exec('DROP TABLE gemeinden_in');
  }
  const [n] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM staging.gemeinden');
  if (n!.n !== gemeinden.length) throw new AppError('integrity', `gemeinden: ${n!.n} of ${gemeinden.length} have a usable polygon`);
}
