import type { Feature } from 'geojson';
import type { AreasRepository } from '../areas/repository.ts';
import { geojsonTileSource } from './geojson-source.ts';
import type { TileSource } from './source.ts';

/**
 * The `areas` tile layer: one source-layer per boundary level. Feature ids are
 * the published numeric fids; indicator values are not baked in — the web app
 * joins them by id through feature-state.
 */
export function areasTileSource(repo: AreasRepository, attribution: string): TileSource {
  return geojsonTileSource({
    id: 'areas',
    attribution,
    async load() {
      const rows = await repo.geometries();
      const byLevel = new Map<string, Feature[]>();
      const parentLevels = new Map<string, Set<string>>();
      for (const r of rows) {
        const parents = (typeof r.parents === 'string' ? JSON.parse(r.parents) : r.parents) as Record<string, string>;
        const props: Record<string, string> = { area_id: r.area_id, name: r.name, level: r.level };
        for (const [lvl, id] of Object.entries(parents)) props[`${lvl}_id`] = id;
        let list = byLevel.get(r.level);
        if (!list) byLevel.set(r.level, (list = []));
        list.push({ type: 'Feature', id: Number(r.fid), properties: props, geometry: JSON.parse(r.geojson) });
        parentLevels.set(r.level, new Set(Object.keys(parents)));
      }
      const bounds = (await repo.extent()) ?? [-180, -85, 180, 85];
      return {
        bounds,
        layers: [...byLevel].map(([level, features]) => ({
          id: level,
          fields: {
            area_id: 'String',
            name: 'String',
            level: 'String',
            ...Object.fromEntries([...(parentLevels.get(level) ?? [])].map((l) => [`${l}_id`, 'String'])),
          },
          data: { type: 'FeatureCollection', features },
        })),
      };
    },
  });
}
