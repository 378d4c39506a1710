import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../server/http.ts';

/** The node:http front: immutable versioned responses from memory, everything else through the app. */
describe('HTTP server with the immutable response cache', () => {
  let calls = 0;
  let base = '';
  const app = new Hono();
  app.get('/t', (c) => {
    calls++;
    const current = c.req.query('v') === 'abc';
    c.header('Cache-Control', current ? 'public, max-age=31536000, immutable' : 'public, max-age=60');
    c.header('ETag', '"abc-t"');
    c.header('X-Extra', 'kept');
    return c.body(new Uint8Array([1, 2, 3]), 200, { 'Content-Type': 'application/vnd.mapbox-vector-tile' });
  });
  app.get('/empty', (c) => {
    calls++;
    return c.body(null, 204);
  });
  const server = createHttpServer(app.fetch);
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
