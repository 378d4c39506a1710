import crypto from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import { acceptsGzip, etagOf, notModified } from './conditional.ts';
import type { PublicationState } from './publication.ts';

/**
 * Caches JSON GET responses per data version. Everything these routes answer is
 * derived from one publication, so a response can be reused until the data
 * version changes; a new version makes old entries unreachable and they are
 * dropped. Cached responses get a strong ETag (a hash of the bytes, its own for
 * the gzip representation), 304 on If-None-Match, and gzip when accepted.
 */
export interface ResponseCacheOptions {
  publication: PublicationState;
  maxEntries?: number; // 4000: query-dependent routes (offers, geocode) cannot grow it without bound
  minGzipBytes?: number; // 1024: smaller bodies gain nothing from compression
}

interface Entry {
  body: Uint8Array<ArrayBuffer>;
  gz: Uint8Array<ArrayBuffer> | null;
  /** ETag without quotes and encoding suffix. */
  tag: string;
  headers: [string, string][];
}

export function responseCache(o: ResponseCacheOptions): MiddlewareHandler {
  const maxEntries = o.maxEntries ?? 4000;
  const minGzip = o.minGzipBytes ?? 1024;
  let version = '';
  const entries = new Map<string, Entry>();

  return async function responseCacheMiddleware(c, next) {
    if (c.req.method !== 'GET') return next();
    const pub = await o.publication.current();
    if (!pub) return next();
    if (pub.dataVersion !== version) {
      version = pub.dataVersion;
      entries.clear();
    }
    const url = new URL(c.req.url);
    const key = url.pathname + url.search;
    let entry = entries.get(key);
    if (!entry) {
      await next();
      const res = c.res;
      // Only successful JSON read from the version this cache holds (a publication may land meanwhile).
      if (res.status !== 200 || !res.headers.get('content-type')?.startsWith('application/json')) return;
      if (res.headers.get('x-data-version') !== version) return;
      const body = new Uint8Array(await res.arrayBuffer());
      const hash = crypto.createHash('sha256').update(body).digest('base64url').slice(0, 22);
      entry = {
        body,
        gz: body.length >= minGzip ? new Uint8Array(gzipSync(body)) : null,
        tag: hash,
        headers: [...res.headers].filter(([k]) => k === 'content-type' || k === 'cache-control' || k === 'x-data-version'),
      };
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, entry);
    } else {
      // Refresh its place: the least recently used entry goes first.
      entries.delete(key);
      entries.set(key, entry);
    }
    const gzip = entry.gz !== null && acceptsGzip(c.req.header('Accept-Encoding'));
    const etag = etagOf(entry.tag, gzip);
    const headers = new Headers(entry.headers);
    headers.set('ETag', etag);
    headers.set('Vary', 'Accept-Encoding');
    if (notModified(c.req.header('If-None-Match'), etag)) {
      c.res = new Response(null, { status: 304, headers });
      return;
    }
    if (gzip) headers.set('Content-Encoding', 'gzip');
    c.res = new Response(gzip ? entry.gz : entry.body, { status: 200, headers });
  };
}
