import type { Feature } from 'geojson';
import type { AreasRepository } from '../areas/repository.ts';
import { type GeoJsonLayers, geojsonTileSource } from './geojson-source.ts';
import type { TileSource } from './source.ts';

type Props = Record<string, string | number | boolean>;

/**
 * Areas as one layer per boundary level. Feature ids are the published numeric
 * fids; `extra` adds properties per area (indicator tiles bake values in here).
 */
export async function areaLayers(
  repo: AreasRepository,
  extra?: { fields: Record<string, string>; props: (level: string, areaId: string) => Props },
): Promise<GeoJsonLayers> {
  const rows = await repo.geometries();
  const byLevel = new Map<string, Feature[]>();
  const fieldsByLevel = new Map<string, Set<string>>();
  for (const r of rows) {
    // The published tile properties, the same ones ST_AsMVT writes (all strings).
    const published = (typeof r.tile_props === 'string' ? JSON.parse(r.tile_props) : r.tile_props) as Props;
    const props = extra ? { ...published, ...extra.props(r.level, r.area_id) } : published;
    let list = byLevel.get(r.level);
    if (!list) byLevel.set(r.level, (list = []));
    list.push({ type: 'Feature', id: Number(r.fid), properties: props, geometry: JSON.parse(r.geojson) });
    let fields = fieldsByLevel.get(r.level);
    if (!fields) fieldsByLevel.set(r.level, (fields = new Set()));
    for (const k of Object.keys(published)) fields.add(k);
  }
  return {
    bounds: (await repo.extent()) ?? [-180, -85, 180, 85],
    layers: [...byLevel].map(([level, features]) => ({
      id: level,
      fields: { ...Object.fromEntries([...fieldsByLevel.get(level)!].map((k) => [k, 'String'])), ...extra?.fields },
      data: { type: 'FeatureCollection', features },
    })),
  };
}

/**
 * The `areas` tile layer. Indicator values are not baked in: the web app joins
 * them by feature id through feature-state.
 *
 * With `mvt` (PostgreSQL) a missing tile is cut by ST_AsMVT: one indexed query,
 * so the first request after a publish costs about what the SQL costs, instead of
 * loading every geometry into a JavaScript index first. Both ways give the same
 * layers, ids and properties and geometry within a pixel (tested), and both keep
 * shared borders together: neighbours share their vertices, which snap to the same
 * grid points. TileJSON metadata comes from the JavaScript layers either way.
 */
export const AREAS_MINZOOM = 6;

export function areasTileSource(repo: AreasRepository, attribution: string, o: { mvt: boolean }): TileSource {
  // Below zoom 6 a city is a few pixels wide; there the two cutters disagree about which
  // sub-pixel areas to keep (geojson-vt drops them, ST_AsMVT keeps some), so neither serves them.
  const js = geojsonTileSource({ id: 'areas', attribution, minzoom: AREAS_MINZOOM, load: () => areaLayers(repo) });
  if (!o.mvt) return js;
  return { ...js, tile: (_version, z, x, y) => repo.mvtTile(z, x, y) };
}
