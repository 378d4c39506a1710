import { gunzipSync, gzipSync } from 'node:zlib';
import { type Context, Hono } from 'hono';
import { AppError } from '../../core/errors.ts';
import { acceptsGzip, etagOf, notModified } from '../conditional.ts';
import type { PublicationState } from '../publication.ts';
import { requirePublication } from '../respond.ts';
import type { TileSource } from './source.ts';

/**
 * Tile responses follow fixed rules:
 * - 200 with `application/vnd.mapbox-vector-tile`, gzip when accepted, strong ETag;
 * - 204 for an empty tile or one below the source's minzoom; 400 for z/x/y out of range;
 *   404 for an unknown layer;
 * - 304 when If-None-Match matches;
 * - `?v=<current data version>` → immutable for a year; otherwise a short max-age,
 *   because the content behind an unversioned URL changes with the next publication.
 */
export interface TileRoutesOptions {
  /** The fixed catalog: /tiles/{id}/{z}/{x}/{y}.mvt and /tiles/{id}.json. */
  sources: TileSource[];
  /**
   * Indicator tiles for desktop GIS: /tiles/indicator/{id}/{schuljahr}/… with values
   * baked in. Returns null for an unknown indicator or Schuljahr (written 2024-25).
   */
  indicatorSource?: (indicatorId: string, schuljahr: string, dataVersion: string) => Promise<TileSource | null>;
  publication: PublicationState;
  /** Cached compressed tiles across all layers (default 20,000, about 100 MB at most). */
  maxCachedTiles?: number;
  shortMaxAge?: number; // seconds, default 60
}

export function tileRoutes(o: TileRoutesOptions) {
  const app = new Hono();
  const byId = new Map(o.sources.map((s) => [s.id, s]));
  const maxCached = o.maxCachedTiles ?? 20000;
  const shortMaxAge = o.shortMaxAge ?? 60;
  let cacheVersion = '';
  const cache = new Map<string, Promise<Buffer | null>>();

  const cacheControl = (requested: string | undefined, current: string) =>
    requested === current ? 'public, max-age=31536000, immutable' : `public, max-age=${shortMaxAge}`;

  async function tileJson(c: Context, source: TileSource, dataVersion: string, pathPrefix: string) {
    const origin = new URL(c.req.url).origin;
    c.header('Cache-Control', cacheControl(c.req.query('v'), dataVersion));
    c.header('X-Data-Version', dataVersion);
    return c.json({
      tilejson: '3.0.0',
      name: `Quartiersmonitor ${source.id}`,
      version: '1.0.0',
      scheme: 'xyz',
      tiles: [`${origin}/tiles/${pathPrefix}/{z}/{x}/{y}.mvt?v=${dataVersion}`],
      minzoom: source.minzoom,
      maxzoom: source.maxzoom,
      bounds: await source.bounds(dataVersion),
      attribution: source.attribution,
      vector_layers: await source.vectorLayers(dataVersion),
      dataVersion,
    });
  }

  function parseZxy(c: Context): [number, number, number] {
    const [z, x, y] = [c.req.param('z'), c.req.param('x'), (c.req.param('y') ?? '').replace(/\.mvt$/, '')].map((s) =>
      s && /^\d{1,10}$/.test(s) ? Number(s) : NaN,
    ) as [number, number, number];
    if (!Number.isInteger(z) || z < 0 || z > 22) throw new AppError('bad_request', 'z must be an integer from 0 to 22');
    const n = 2 ** z;
    if (!Number.isInteger(x) || !Number.isInteger(y) || x >= n || y >= n) {
      throw new AppError('bad_request', `x and y must be integers from 0 to ${n - 1} at zoom ${z}`);
    }
    return [z, x, y];
  }

  async function serveTile(c: Context, source: TileSource, dataVersion: string, key: string, [z, x, y]: [number, number, number]) {
    const gzipped = acceptsGzip(c.req.header('Accept-Encoding'));
    const etag = etagOf(`${dataVersion}-${key.replace(/[^\w-]/g, '_')}-${z}-${x}-${y}`, gzipped);
    c.header('Cache-Control', cacheControl(c.req.query('v'), dataVersion));
    c.header('ETag', etag);
    c.header('X-Data-Version', dataVersion);
    c.header('Vary', 'Accept-Encoding');
    if (notModified(c.req.header('If-None-Match'), etag)) return c.body(null, 304);

    // Below the source's minzoom (announced in its TileJSON) every tile is empty.
    if (z < source.minzoom) return c.body(null, 204);
    if (cacheVersion !== dataVersion) {
      cacheVersion = dataVersion;
      cache.clear();
    }
    const cacheKey = `${key}/${z}/${x}/${y}`;
    let pending = cache.get(cacheKey);
    if (!pending) {
      pending = source.tile(dataVersion, z, x, y).then((bytes) => (bytes ? gzipSync(bytes) : null));
      if (cache.size >= maxCached) cache.delete(cache.keys().next().value!); // oldest first
      cache.set(cacheKey, pending);
      pending.catch(() => cache.delete(cacheKey));
    }
    const gz = await pending;
    if (!gz) return c.body(null, 204);
    c.header('Content-Type', 'application/vnd.mapbox-vector-tile');
    if (gzipped) {
      c.header('Content-Encoding', 'gzip');
      return c.body(new Uint8Array(gz));
    }
    return c.body(new Uint8Array(gunzipSync(gz)));
  }

  async function indicatorSource(c: Context, dataVersion: string) {
    const id = c.req.param('id')!;
    const year = c.req.param('schuljahr')!.replace(/\.json$/, '');
    if (!/^\d{4}-\d{2}$/.test(year)) throw new AppError('bad_request', 'Schuljahr in tile paths is written like 2024-25');
    const source = o.indicatorSource ? await o.indicatorSource(id, year.replace('-', '/'), dataVersion) : null;
    if (!source) throw new AppError('not_found', `no indicator tiles for "${id}" in ${year}`);
    return { source, key: `indicator/${id}/${year}` };
  }

  app.get('/indicator/:id{[a-z0-9_]+}/:schuljahr{[0-9-]+\\.json}', async (c) => {
    const pub = await requirePublication(o.publication);
    const { source, key } = await indicatorSource(c, pub.dataVersion);
    return tileJson(c, source, pub.dataVersion, key);
  });

  app.get('/indicator/:id{[a-z0-9_]+}/:schuljahr/:z/:x/:y{[^/]+\\.mvt}', async (c) => {
    const zxy = parseZxy(c);
    const pub = await requirePublication(o.publication);
    const { source, key } = await indicatorSource(c, pub.dataVersion);
    return serveTile(c, source, pub.dataVersion, key, zxy);
  });

  app.get('/:layer{[a-z_]+\\.json}', async (c) => {
    const id = c.req.param('layer').replace(/\.json$/, '');
    const source = byId.get(id);
    if (!source) throw new AppError('not_found', `unknown tile layer "${id}"`);
    const pub = await requirePublication(o.publication);
    return tileJson(c, source, pub.dataVersion, source.id);
  });

  app.get('/:layer{[a-z_]+}/:z/:x/:y{[^/]+\\.mvt}', async (c) => {
    const source = byId.get(c.req.param('layer'));
    if (!source) throw new AppError('not_found', `unknown tile layer "${c.req.param('layer')}"`);
    const zxy = parseZxy(c);
    const pub = await requirePublication(o.publication);
    return serveTile(c, source, pub.dataVersion, source.id, zxy);
  });
  return app;
}
