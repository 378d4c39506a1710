import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/index.ts';
import { createApp } from '../../server/app.ts';
import { createHttpServer } from '../../server/http.ts';
import { createPublicationState, type Publication } from '../../server/publication.ts';

/** The node:http front: immutable versioned responses from memory, everything else through the app. */
describe('HTTP server with the immutable response cache', () => {
  let calls = 0;
  let base = '';
  const app = new Hono();
  let version = 'abc';
  app.get('/t', (c) => {
    calls++;
    const current = c.req.query('v') === version;
    c.header('X-Data-Version', version);
    c.header('Cache-Control', current ? 'public, max-age=31536000, immutable' : 'public, max-age=60');
    c.header('ETag', '"abc-t"');
    c.header('X-Extra', 'kept');
    return c.body(new Uint8Array([1, 2, 3]), 200, { 'Content-Type': 'application/vnd.mapbox-vector-tile' });
  });
  app.get('/empty', (c) => {
    calls++;
    return c.body(null, 204);
  });
  app.get('/none', (c) => {
    calls++;
    c.header('X-Data-Version', version);
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    return c.body(null, 204);
  });
  // What the database says is published; `version` is what the app answers with.
  let published = 'abc';
  let reads = 0;
  const publication = {
    current: async () => {
      reads++;
      return { dataVersion: published } as Publication;
    },
  };
  const server = createHttpServer(app.fetch, { publication });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('answers a repeated versioned URL from memory with the same status, headers and bytes', async () => {
    calls = 0;
    const first = await fetch(`${base}/t?v=abc`);
    const second = await fetch(`${base}/t?v=abc`);
    expect(calls).toBe(1);
    for (const res of [first, second]) {
      expect(res.status).toBe(200);
      expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([1, 2, 3]);
      expect(res.headers.get('x-extra')).toBe('kept');
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('content-length')).toBe('3');
    }
    const cond = await fetch(`${base}/t?v=abc`, { headers: { 'If-None-Match': '"abc-t"' } });
    expect(cond.status).toBe(304);
    expect(cond.headers.get('etag')).toBe('"abc-t"');
    expect(calls).toBe(1);
  });

  it('keeps an immutable empty answer (an empty tile) as well', async () => {
    calls = 0;
    const answers = [await fetch(`${base}/none?v=abc`), await fetch(`${base}/none?v=abc`)];
    expect(calls).toBe(1);
    for (const res of answers) {
      expect(res.status).toBe(204);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(await res.text()).toBe('');
    }
  });

  it('drops what it kept when a response names a new data version', async () => {
    await fetch(`${base}/t?v=abc`);
    calls = 0;
    version = 'def';
    await fetch(`${base}/t?v=def`); // the new publication, answered by the app
    const old = await fetch(`${base}/t?v=abc`);
    expect(calls).toBe(2); // the old URL is no longer answered from memory
    expect(old.headers.get('cache-control')).toBe('public, max-age=60');
    version = 'abc';
  });

  it('asks the publication state before each answer from memory, and stops answering a withdrawn version', async () => {
    await fetch(`${base}/t?v=abc`);
    await fetch(`${base}/none?v=abc`);
    calls = 0;
    reads = 0;
    await fetch(`${base}/t?v=abc`);
    expect([calls, reads]).toEqual([0, 1]);
    // Another process publishes; no request has yet reached the app to tell.
    published = version = 'def';
    const answers = [await fetch(`${base}/t?v=abc`), await fetch(`${base}/none?v=abc`)];
    expect(calls).toBe(2);
    expect(answers.map((r) => [r.status, r.headers.get('cache-control'), r.headers.get('x-data-version')])).toEqual([
      [200, 'public, max-age=60', 'def'],
      [204, 'public, max-age=31536000, immutable', 'def'],
    ]);
    published = version = 'abc';
  });

  it.each([
    ['an unversioned URL', '/t'],
    ['an outdated version', '/t?v=old'],
    ['an empty response', '/empty?v=abc'],
  ])('sends %s through the app every time', async (_, url) => {
    calls = 0;
    const statuses = [(await fetch(base + url)).status, (await fetch(base + url)).status];
    expect(calls).toBe(2);
    expect(statuses).toEqual(url.startsWith('/empty') ? [204, 204] : [200, 200]);
  });
});

/** A raw GET: node:http sends the path exactly as given, without the URL parser's normalisation. */
function rawGet(port: number, rawPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: rawPath }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      })
      .on('error', reject);
  });
}

describe('static serving of the web app', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-static-'));
  const web = path.join(root, 'web');
  fs.mkdirSync(path.join(web, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(web, 'index.html'), '<!doctype html>INDEX');
  fs.writeFileSync(path.join(web, 'assets', 'app-1a2b.js'), 'ASSET');
  // What the build writes next to each asset (web/vite.config.ts).
  fs.writeFileSync(path.join(web, 'assets', 'app-1a2b.js.gz'), zlib.gzipSync('ASSET'));
  fs.writeFileSync(path.join(web, 'assets', 'app-1a2b.js.br'), zlib.brotliCompressSync('ASSET'));
  fs.writeFileSync(path.join(root, 'secret.txt'), 'SECRET');
  const db = { engine: 'pglite', capabilities: { mvt: false } } as unknown as Database;
  const publication = createPublicationState(() => db);
  const server = createHttpServer(createApp({ getDb: () => db, webDist: web, publication }).fetch, { publication });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('serves assets immutable and the app for other paths', async () => {
    const asset = await fetch(`http://127.0.0.1:${port}/assets/app-1a2b.js`);
    expect(asset.status).toBe(200);
    expect(await asset.text()).toBe('ASSET');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await (await fetch(`http://127.0.0.1:${port}/karte`)).text()).toBe('<!doctype html>INDEX');
  });

  it.each([
    ['br, gzip', 'br', (b: Buffer) => zlib.brotliDecompressSync(b)],
    ['gzip', 'gzip', (b: Buffer) => zlib.gunzipSync(b)],
    ['identity', null, (b: Buffer) => b],
  ])('serves the precompressed asset for Accept-Encoding %s', async (accept, encoding, decode) => {
    const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http
        .get({ host: '127.0.0.1', port, path: '/assets/app-1a2b.js', headers: { 'accept-encoding': accept } }, resolve)
        .on('error', reject),
    );
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    expect([res.statusCode, res.headers['content-encoding'] ?? null, res.headers['content-type']]).toEqual([
      200,
      encoding,
      'text/javascript; charset=utf-8',
    ]);
    expect(decode(Buffer.concat(chunks)).toString()).toBe('ASSET');
  });

  it.each([
    '/../secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e/secret.txt',
    '/assets/../../secret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/..\\secret.txt',
  ])('never leaves the web directory: %s', async (rawPath) => {
    const res = await rawGet(port, rawPath);
    expect(res.body).not.toContain('SECRET');
    expect([200, 400, 404]).toContain(res.status);
  });
});

describe('security headers for a basemap and for embedding', () => {
  const db = { engine: 'pglite', capabilities: { mvt: false } } as unknown as Database;
  it.each([
    [{}, "connect-src 'self'", "frame-ancestors 'self'", 'SAMEORIGIN'],
    [
      {
        basemapStyleUrl: 'https://sgx.geodatenzentrum.de/gdz_basemapde_vektor/styles/bm_web_col.json',
        embedOrigins: ['https://www.essen.de', 'https://bildung.example'],
      },
      "connect-src 'self' https://sgx.geodatenzentrum.de",
      "frame-ancestors 'self' https://www.essen.de https://bildung.example",
      null,
    ],
  ])('%j → %s; %s; X-Frame-Options %s', async (options, connect, frame, xfo) => {
    const res = await createApp({ getDb: () => db, webDist: null, ...options }).request('/api/openapi.json');
    const csp = res.headers
      .get('content-security-policy')!
      .split(';')
      .map((d) => d.trim());
    expect(csp).toContain(connect);
    expect(csp).toContain(frame);
    expect(res.headers.get('x-frame-options')).toBe(xfo);
  });
});
