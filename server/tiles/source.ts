/**
 * A tile source: one layer of the tile catalog. Sources build their tiles from
 * published data only and return uncompressed MVT bytes, or null for an empty tile.
 */
/** Tile grid shared by every source: 4096 units per tile side, 64 units of buffer around it. */
export const TILE_EXTENT = 4096;
export const TILE_BUFFER = 64;

export interface VectorLayer {
  id: string;
  fields: Record<string, string>;
  minzoom?: number;
  maxzoom?: number;
}

export interface TileSource {
  readonly id: string;
  readonly minzoom: number;
  readonly maxzoom: number;
  readonly attribution: string;
  /** [west, south, east, north] in degrees. */
  bounds(dataVersion: string): Promise<[number, number, number, number]>;
  vectorLayers(dataVersion: string): Promise<VectorLayer[]>;
  tile(dataVersion: string, z: number, x: number, y: number): Promise<Uint8Array | null>;
}
