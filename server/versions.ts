import type { MiddlewareHandler } from 'hono';
import { AppError } from '../core/errors.ts';
import type { PublicationState } from './publication.ts';

/**
 * A client that pins a data version (`?v=`, as the web app and every TileJSON tile
 * URL do) gets content of that version or nothing: once another version is
 * published, a pinned request is answered `409 version_changed` naming the current
 * version, so the client can start over on it instead of mixing tiles and values of
 * two publications. Unpinned requests get the current version.
 */
export function pinnedVersion(o: { publication: PublicationState }): MiddlewareHandler {
  return async function pinnedVersionMiddleware(c, next) {
    const pinned = c.req.query('v');
    if (pinned === undefined || c.req.method !== 'GET') return next();
    const pub = await o.publication.current();
    if (pub && pub.dataVersion !== pinned) {
      c.header('X-Data-Version', pub.dataVersion);
      c.header('Cache-Control', 'no-store');
      throw new AppError('version_changed', `data version ${pinned.slice(0, 40)} is no longer published; the current one is ${pub.dataVersion}`);
    }
    return next();
  };
}

const RETRY = 'x-qm-version-moved';

export interface VersionCheckOptions {
  publication: PublicationState;
  /** Times a request is answered anew when a publication landed while it was answered (default 3). */
  attempts?: number;
}

/**
 * Makes every response's content belong to the data version it names.
 *
 * A response is labelled with the cached publication state (re-read every 2 s,
 * because on PostgreSQL another process may publish), and built from several
 * statements; a publication that commits meanwhile would put one version's content
 * under another's name — and a pinned URL's answer is cached for a year. So after a
 * handler built a response, the version is read again from the database: if it
 * moved, the response is dropped and the request answered anew with the state
 * refreshed. A publish is one transaction that changes the data and the version
 * together, so equal versions before and after mean the statements between read
 * that version (unless two publications landed within one request and the second
 * brought the first back — then the content is that version's again).
 *
 * `middleware` checks, inside the pause gate (the embedded database must be open);
 * `wrap` retries around the app. Only GET and HEAD are retried: they have no body.
 */
export function versionCheck(o: VersionCheckOptions) {
  const attempts = o.attempts ?? 3;

  const middleware: MiddlewareHandler = async function versionCheckMiddleware(c, next) {
    await next();
    const named = c.res.headers.get('x-data-version');
    if (!named || (c.req.method !== 'GET' && c.req.method !== 'HEAD')) return;
    const now = await o.publication.reread();
    // A pinned request is answered in its version or refused (409); a publication that
    // landed between the pin check and the handler would answer it in another.
    const pinned = c.req.query('v');
    const offPin = pinned !== undefined && c.res.status !== 409 && named !== pinned;
    if (now?.dataVersion !== named || offPin) c.res = new Response(null, { status: 503, headers: { [RETRY]: '1' } });
  };

  function wrap<F extends (request: Request, ...rest: never[]) => Response | Promise<Response>>(fetch: F): F {
    return async function fetchOfOneVersion(request: Request, ...rest: never[]) {
      for (let attempt = 1; ; attempt++) {
        const res = await fetch(request, ...rest);
        if (!res.headers.has(RETRY)) return res;
        if (attempt >= attempts) {
          return Response.json(
            { error: { code: 'unavailable', message: 'publications are landing faster than this request can be answered; try again' } },
            { status: 503, headers: { 'Retry-After': '1', 'Cache-Control': 'no-store' } },
          );
        }
      }
    } as F;
  }

  return { middleware, wrap };
}
