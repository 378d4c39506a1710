/**
 * Numeric feature id for vector tiles: FNV-1a (32 bit) of level and area id.
 * Unique across levels (collisions are checked at publish time) and stable
 * across runs for the same level and area id, so feature-state and links survive
 * a new publication.
 */
export function featureId(level: string, areaId: string): number {
  let h = 0x811c9dc5;
  const s = `${level}\u0000${areaId}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Keep 0 free (MapLibre treats a missing id as undefined, not 0).
  return h === 0 ? 1 : h;
}
