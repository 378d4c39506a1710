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
  const parentLevels = new Map<string, Set<string>>();
  for (const r of rows) {
    const parents = (typeof r.parents === 'string' ? JSON.parse(r.parents) : r.parents) as Record<string, string>;
    const props: Props = { area_id: r.area_id, name: r.name, level: r.level };
    for (const [lvl, id] of Object.entries(parents)) props[`${lvl}_id`] = id;
    if (extra) Object.assign(props, extra.props(r.level, r.area_id));
    let list = byLevel.get(r.level);
    if (!list) byLevel.set(r.level, (list = []));
    list.push({ type: 'Feature', id: Number(r.fid), properties: props, geometry: JSON.parse(r.geojson) });
    parentLevels.set(r.level, new Set(Object.keys(parents)));
  }
  return {
    bounds: (await repo.extent()) ?? [-180, -85, 180, 85],
    layers: [...byLevel].map(([level, features]) => ({
      id: level,
      fields: {
        area_id: 'String',
        name: 'String',
        level: 'String',
        ...Object.fromEntries([...(parentLevels.get(level) ?? [])].map((l) => [`${l}_id`, 'String'])),
        ...extra?.fields,
      },
      data: { type: 'FeatureCollection', features },
    })),
  };
}

/**
 * The `areas` tile layer. Indicator values are not baked in: the web app joins
 * them by feature id through feature-state.
 */
export function areasTileSource(repo: AreasRepository, attribution: string): TileSource {
  return geojsonTileSource({ id: 'areas', attribution, load: () => areaLayers(repo) });
}
