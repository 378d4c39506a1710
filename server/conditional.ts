/**
 * The rules every cached response follows, in one place: gzip when the client
 * accepts it, a strong ETag per representation (the gzip bytes get their own),
 * and 304 when If-None-Match names it.
 */
export const acceptsGzip = (acceptEncoding: string | undefined): boolean => /\bgzip\b/.test(acceptEncoding ?? '');

/** The strong ETag of one representation: `tag` quoted, with `-gz` for the gzip bytes. */
export const etagOf = (tag: string, gzip: boolean): string => `"${tag}${gzip ? '-gz' : ''}"`;

export const notModified = (ifNoneMatch: string | undefined, etag: string): boolean =>
  ifNoneMatch?.split(/\s*,\s*/).includes(etag) ?? false;
