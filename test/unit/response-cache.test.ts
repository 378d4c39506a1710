import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { Publication } from '../../server/publication.ts';
import { responseCache } from '../../server/response-cache.ts';

/** A route that counts its calls and answers with the current data version. */
function setup() {
  let version = 'aaaaaaaaaaaa';
  let calls = 0;
  const publication = {
    current: async () => ({ dataVersion: version }) as Publication,
    reread: async () => ({ dataVersion: version }) as Publication,
    invalidate() {},
  };
  const app = new Hono();
  app.use('*', responseCache({ publication, minGzipBytes: 100 }));
  app.get('/v', (c) => {
    calls++;
    c.header('X-Data-Version', version);
    c.header('Cache-Control', 'no-cache');
    return c.json({ version, filler: 'x'.repeat(Number(c.req.query('n') ?? 0)) });
  });
  app.get('/err', (c) => {
    calls++;
    return c.json({ error: 'no' }, 404);
  });
  return { app, calls: () => calls, publish: (v: string) => (version = v) };
}

describe('response cache', () => {
  it('answers a repeated request from memory with a strong ETag and 304', async () => {
    const s = setup();
    const first = await s.app.request('/v');
    const second = await s.app.request('/v');
    expect(s.calls()).toBe(1);
    expect(await second.text()).toBe(await first.text());
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    expect(second.headers.get('etag')).toBe(etag);
    expect(second.headers.get('x-data-version')).toBe('aaaaaaaaaaaa');
    expect(second.headers.get('cache-control')).toBe('no-cache');
    const revalidated = await s.app.request('/v', { headers: { 'If-None-Match': etag } });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe('');
  });

  it('keeps one entry per query string and compresses large bodies, with their own ETag', async () => {
    const s = setup();
    const plain = await s.app.request('/v?n=500');
    const gz = await s.app.request('/v?n=500', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(s.calls()).toBe(1);
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(await plain.text());
    expect(gz.headers.get('etag')).toBe(plain.headers.get('etag')!.replace(/"$/, '-gz"'));
    const small = await s.app.request('/v?n=1', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(s.calls()).toBe(2);
    expect(small.headers.get('content-encoding')).toBeNull();
  });

  it('recomputes after a new publication and never caches errors', async () => {
    const s = setup();
    await s.app.request('/v');
    s.publish('bbbbbbbbbbbb');
    expect((await (await s.app.request('/v')).json()).version).toBe('bbbbbbbbbbbb');
    expect(s.calls()).toBe(2);
    await s.app.request('/err');
    await s.app.request('/err');
    expect(s.calls()).toBe(4);
  });
});
