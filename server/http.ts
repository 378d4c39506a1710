import http from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { acceptsGzip, notModified } from './conditional.ts';
import type { PublicationState } from './publication.ts';

/**
 * The HTTP server in front of the app. Responses to versioned URLs (`?v=<data
 * version>`) that the app marks immutable never change, so they are kept, with
 * every header the app set, and answered straight from memory at the node:http
 * level. A warm versioned tile costs a map lookup and a write — what a bare static
 * server costs — instead of a trip through the framework. Everything else, and
 * the first request for each URL, goes to the app.
 *
 * Kept responses belong to one data version. Before one is answered, the
 * publication state (the app's, cached for its TTL) must still name that version:
 * another process may publish on PostgreSQL, and then nothing kept may be served
 * any more — its URLs go to the app, which answers 409 version_changed.
 */
export interface HttpServerOptions {
  /** The publication state the app serves from. */
  publication: Pick<PublicationState, 'current'>;
  maxEntries?: number; // 20,000 responses
  maxBytes?: number; // 256 MiB of bodies
}

interface Kept {
  /** 200, or 204 for an empty tile: an empty answer of one version stays empty too. */
  status: number;
  /** Flat [name, value, …]: the cheapest form for writeHead. */
  headers: string[];
  body: Buffer;
  etag: string | undefined;
}

/**
 * One request header, read from rawHeaders: `req.headers` builds an object of all
 * headers on first access, which on this path costs more than the rest of the answer.
 */
function header(req: http.IncomingMessage, name: string): string | undefined {
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name) return raw[i + 1];
  return undefined;
}

export function createHttpServer(fetch: (request: Request) => Response | Promise<Response>, o: HttpServerOptions): http.Server {
  const maxEntries = o.maxEntries ?? 20000;
  const maxBytes = o.maxBytes ?? 256 * 2 ** 20;
  const kept = new Map<string, Kept>();
  let bytes = 0;
  /** The data version of everything in `kept`. */
  let version: string | null = null;
  const appListener = getRequestListener(fetch);

  // A withdrawn publication must not live on in memory behind its old URLs.
  function forgetUnless(current: string | null | undefined) {
    if (current === version) return;
    kept.clear();
    bytes = 0;
    version = current ?? null;
  }

  function keep(key: string, entry: Kept) {
    while (kept.size >= maxEntries || (bytes + entry.body.length > maxBytes && kept.size > 0)) {
      const [oldest, old] = kept.entries().next().value!;
      kept.delete(oldest);
      bytes -= old.body.length;
    }
    kept.set(key, entry);
    bytes += entry.body.length;
  }

  function send(req: http.IncomingMessage, res: http.ServerResponse, k: Kept) {
    if (k.etag && notModified(header(req, 'if-none-match'), k.etag)) {
      const rest = k.headers.filter((_, i, a) => !/^content-/.test(a[i - (i % 2)]!));
      res.writeHead(304, rest).end();
      return;
    }
    res.writeHead(k.status, k.headers).end(k.status === 204 ? undefined : k.body);
  }

  async function viaApp(req: http.IncomingMessage, res: http.ServerResponse, key: string) {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
    headers.delete('if-none-match'); // keep the full response; conditionals are answered from it
    const response = await fetch(new Request(`http://${req.headers.host ?? 'localhost'}${req.url}`, { headers }));
    const body = Buffer.from(await response.arrayBuffer());
    const answered = response.headers.get('x-data-version');
    if (answered) forgetUnless(answered);
    const out: string[] = [];
    response.headers.forEach((v, k) => k !== 'content-length' && out.push(k, v));
    // 204 and 304 carry no body and, by RFC 9110, no Content-Length of one.
    if (response.status !== 204 && response.status !== 304) out.push('content-length', String(body.length));
    // Only what names its version is kept: nothing else can be checked against the publication.
    const immutable = /\bimmutable\b/.test(response.headers.get('cache-control') ?? '');
    if (answered && immutable && (response.status === 200 || response.status === 204)) {
      const entry: Kept = { status: response.status, headers: out, body, etag: response.headers.get('etag') ?? undefined };
      keep(key, entry);
      send(req, res, entry);
      return;
    }
    res.writeHead(response.status, out).end(response.status === 204 || response.status === 304 ? undefined : body);
  }

  return http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (req.method !== 'GET' || !/[?&]v=/.test(url)) return appListener(req, res);
    // The representation depends on the encoding only (Vary: Accept-Encoding).
    const key = `${acceptsGzip(header(req, 'accept-encoding')) ? 'gz' : 'id'} ${url}`;
    const fail = () => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":{"code":"internal","message":"internal error"}}');
    };
    if (!kept.has(key)) return void viaApp(req, res, key).catch(fail);
    o.publication.current().then(
      (p) => {
        forgetUnless(p?.dataVersion);
        const hit = kept.get(key);
        return hit ? send(req, res, hit) : viaApp(req, res, key);
      },
      // The app reports why the state could not be read.
      () => viaApp(req, res, key),
    ).catch(fail);
  });
}
