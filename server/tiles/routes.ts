import { gunzipSync, gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { AppError } from '../../core/errors.ts';
import type { PublicationState } from '../publication.ts';
import type { TileSource } from './source.ts';

/**
 * Tile responses follow fixed rules:
 * - 200 with `application/vnd.mapbox-vector-tile`, gzip when accepted, strong ETag;
 * - 204 for an empty tile; 400 for z/x/y out of range; 404 for an unknown layer;
 * - 304 when If-None-Match matches;
 * - `?v=<current data version>` → immutable for a year; otherwise a short max-age,
 *   because the content behind an unversioned URL changes with the next publication.
 */
export interface TileRoutesOptions {
  sources: TileSource[];
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

  const requirePublication = async () => {
    const pub = await o.publication.current();
    if (!pub) throw new AppError('not_found', 'nothing has been published yet');
    return pub;
  };
  const cacheControl = (requested: string | undefined, current: string) =>
    requested === current ? 'public, max-age=31536000, immutable' : `public, max-age=${shortMaxAge}`;

  app.get('/:layer{[a-z_]+\\.json}', async (c) => {
    const id = c.req.param('layer').replace(/\.json$/, '');
    const source = byId.get(id);
    if (!source) throw new AppError('not_found', `unknown tile layer "${id}"`);
    const pub = await requirePublication();
    const origin = new URL(c.req.url).origin;
    c.header('Cache-Control', cacheControl(c.req.query('v'), pub.dataVersion));
    c.header('X-Data-Version', pub.dataVersion);
    return c.json({
      tilejson: '3.0.0',
      name: `Quartiersmonitor ${id}`,
      version: '1.0.0',
      scheme: 'xyz',
      tiles: [`${origin}/tiles/${id}/{z}/{x}/{y}.mvt?v=${pub.dataVersion}`],
      minzoom: source.minzoom,
      maxzoom: source.maxzoom,
      bounds: await source.bounds(pub.dataVersion),
      attribution: source.attribution,
      vector_layers: await source.vectorLayers(pub.dataVersion),
      dataVersion: pub.dataVersion,
    });
  });

  app.get('/:layer{[a-z_]+}/:z/:x/:y{[^/]+\\.mvt}', async (c) => {
    const source = byId.get(c.req.param('layer'));
    if (!source) throw new AppError('not_found', `unknown tile layer "${c.req.param('layer')}"`);
    const [z, x, y] = [c.req.param('z'), c.req.param('x'), c.req.param('y').replace(/\.mvt$/, '')].map((s) =>
      /^\d{1,10}$/.test(s) ? Number(s) : NaN,
    ) as [number, number, number];
    if (!Number.isInteger(z) || z < 0 || z > 22) throw new AppError('bad_request', 'z must be an integer from 0 to 22');
    const n = 2 ** z;
    if (!Number.isInteger(x) || !Number.isInteger(y) || x >= n || y >= n) {
      throw new AppError('bad_request', `x and y must be integers from 0 to ${n - 1} at zoom ${z}`);
    }
    const pub = await requirePublication();
    const version = pub.dataVersion;
    const etag = `"${version}-${source.id}-${z}-${x}-${y}"`;
    c.header('Cache-Control', cacheControl(c.req.query('v'), version));
    c.header('ETag', etag);
    c.header('X-Data-Version', version);
    c.header('Vary', 'Accept-Encoding');
    if (
      c.req
        .header('If-None-Match')
        ?.split(/\s*,\s*/)
        .includes(etag)
    )
      return c.body(null, 304);

    if (cacheVersion !== version) {
      cacheVersion = version;
      cache.clear();
    }
    const key = `${source.id}/${z}/${x}/${y}`;
    let pending = cache.get(key);
    if (!pending) {
      pending = source.tile(version, z, x, y).then((bytes) => (bytes ? gzipSync(bytes) : null));
      if (cache.size >= maxCached) cache.delete(cache.keys().next().value!); // oldest first
      cache.set(key, pending);
      pending.catch(() => cache.delete(key));
    }
    const gz = await pending;
    if (!gz) return c.body(null, 204);
    c.header('Content-Type', 'application/vnd.mapbox-vector-tile');
    if (/\bgzip\b/.test(c.req.header('Accept-Encoding') ?? '')) {
      c.header('Content-Encoding', 'gzip');
      return c.body(new Uint8Array(gz));
    }
    return c.body(new Uint8Array(gunzipSync(gz)));
  });
  return app;
}
