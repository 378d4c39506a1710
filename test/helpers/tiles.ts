import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

/** Web Mercator tile math and MVT decoding for the tile tests and benchmarks. */

/** The tile containing lon/lat at zoom z. */
export function tileAt(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return [Math.min(n - 1, Math.max(0, x)), Math.min(n - 1, Math.max(0, y))];
}

/** The same tile as an object, for building URLs. */
export function tileOf(lon: number, lat: number, z: number): { z: number; x: number; y: number } {
  const [x, y] = tileAt(lon, lat, z);
  return { z, x, y };
}

/** lon/lat → position in tile z/x/y, in tile units of `extent`. */
export function toTileUnits(lon: number, lat: number, [z, x, y]: readonly number[], extent = 4096): [number, number] {
  const n = 2 ** z!;
  const r = (lat * Math.PI) / 180;
  const wx = ((lon + 180) / 360) * n;
  const wy = ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n;
  return [(wx - x!) * extent, (wy - y!) * extent];
}

/**
 * Tiles covering `bounds` ([w, s, e, n]) from zmin to zmax; at most `perZoom` per
 * zoom, taken evenly across the list so that every part of the area is represented.
 */
export function coveringTiles(bounds: readonly number[], zmin: number, zmax: number, perZoom = Infinity): [number, number, number][] {
  const [w, s, e, n] = bounds as [number, number, number, number];
  const out: [number, number, number][] = [];
  for (let z = zmin; z <= zmax; z++) {
    const [x0, y0] = tileAt(w, n, z);
    const [x1, y1] = tileAt(e, s, z);
    const all: [number, number, number][] = [];
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) all.push([z, x, y]);
    const step = Math.max(1, all.length / perZoom);
    for (let i = 0; i < all.length; i += step) out.push(all[Math.floor(i)]!);
  }
  return out;
}

export interface DecodedFeature {
  id: number;
  properties: Record<string, unknown>;
  /** Every ring (polygons) or point list, in tile units. */
  rings: [number, number][][];
}

/** layer name → features by id. */
export function decodeTile(bytes: Uint8Array): Map<string, Map<number, DecodedFeature>> {
  const tile = new VectorTile(new PbfReader(bytes));
  const out = new Map<string, Map<number, DecodedFeature>>();
  for (const [name, layer] of Object.entries(tile.layers)) {
    const features = new Map<number, DecodedFeature>();
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      const rings = f.loadGeometry().map((ring) => ring.map((p) => [p.x, p.y] as [number, number]));
      features.set(Number(f.id), { id: Number(f.id), properties: { ...f.properties }, rings });
    }
    out.set(name, features);
  }
  return out;
}

function segmentDistance(p: readonly number[], a: readonly number[], b: readonly number[]): number {
  const [px, py] = p as [number, number];
  const [ax, ay] = a as [number, number];
  const [bx, by] = b as [number, number];
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Distance from p to the nearest edge of any ring (closed rings). */
export function distanceToBoundary(p: readonly number[], rings: readonly (readonly (readonly number[])[])[]): number {
  let best = Infinity;
  for (const ring of rings) {
    for (let i = 0; i < ring.length; i++) best = Math.min(best, segmentDistance(p, ring[i]!, ring[(i + 1) % ring.length]!));
  }
  return best;
}

/**
 * Largest distance from a vertex of one set of rings to the boundary of the other,
 * both ways, over the vertices inside the box [min, max]² (by default the tile
 * itself, without its buffer), with the vertex where it occurs.
 */
export function hausdorff(
  a: DecodedFeature['rings'],
  b: DecodedFeature['rings'],
  [min, max] = [0, 4096],
): { distance: number; at: [number, number] | null } {
  let worst: { distance: number; at: [number, number] | null } = { distance: 0, at: null };
  for (const [from, to] of [
    [a, b],
    [b, a],
  ] as const) {
    for (const ring of from) {
      for (const p of ring) {
        if (p[0] < min || p[0] > max || p[1] < min || p[1] > max) continue;
        const d = distanceToBoundary(p, to);
        if (d > worst.distance) worst = { distance: d, at: p };
      }
    }
  }
  return worst;
}
