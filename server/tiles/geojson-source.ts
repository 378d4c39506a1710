import type { FeatureCollection } from 'geojson';
import GeoJSONVT from 'geojson-vt';
import vtpbf from 'vt-pbf';
import { versionedCache } from '../publication.ts';
import { TILE_BUFFER, TILE_EXTENT, type TileSource, type VectorLayer } from './source.ts';

/**
 * A tile source that cuts tiles in JavaScript (geojson-vt, vt-pbf) from layers
 * of GeoJSON prepared in SQL. Used on both engines — PGlite has no ST_AsMVT —
 * so both serve identical features. The index is built once per data version;
 * cutting a tile is then a few milliseconds of main-thread work.
 */
export interface GeoJsonLayers {
  layers: { id: string; fields: Record<string, string>; data: FeatureCollection }[];
  bounds: [number, number, number, number];
}

export interface GeoJsonSourceOptions {
  id: string;
  attribution: string;
  minzoom?: number; // 0
  maxzoom?: number; // 14: beyond it MapLibre overzooms
  /** Simplification tolerance in tile units (of 4096); 1 keeps shared borders within a fraction of a pixel. */
  tolerance?: number;
  /** Loads the layers of one data version. */
  load: (dataVersion: string) => Promise<GeoJsonLayers>;
}

export function geojsonTileSource(o: GeoJsonSourceOptions): TileSource {
  const maxzoom = o.maxzoom ?? 14;
  const indexes = versionedCache<{
    layers: { id: string; fields: Record<string, string>; index: GeoJSONVT }[];
    bounds: GeoJsonLayers['bounds'];
  }>();
  const indexFor = (version: string) =>
    indexes.get(version, 'index', async () => {
      const loaded = await o.load(version);
      return {
        bounds: loaded.bounds,
        layers: loaded.layers.map((l) => ({
          id: l.id,
          fields: l.fields,
          index: new GeoJSONVT(l.data, {
            maxZoom: maxzoom,
            indexMaxZoom: 5,
            tolerance: o.tolerance ?? 1,
            buffer: TILE_BUFFER,
            extent: TILE_EXTENT,
          }),
        })),
      };
    });
  return {
    id: o.id,
    minzoom: o.minzoom ?? 0,
    maxzoom,
    attribution: o.attribution,
    async bounds(version) {
      return (await indexFor(version)).bounds;
    },
    async vectorLayers(version): Promise<VectorLayer[]> {
      return (await indexFor(version)).layers.map((l) => ({ id: l.id, fields: l.fields }));
    },
    async tile(version, z, x, y) {
      const { layers } = await indexFor(version);
      const present: Record<string, NonNullable<ReturnType<GeoJSONVT['getTile']>>> = {};
      for (const l of layers) {
        const t = l.index.getTile(z, x, y);
        if (t && t.features.length > 0) present[l.id] = t;
      }
      if (Object.keys(present).length === 0) return null;
      return vtpbf.fromGeojsonVt(present, { version: 2, extent: TILE_EXTENT });
    },
  };
}
