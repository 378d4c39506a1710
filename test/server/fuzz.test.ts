import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createApp } from '../../server/app.ts';
import { publishedDemoApp } from '../helpers/demo.ts';
import { engines, type TestDatabase } from '../helpers/engines.ts';

/**
 * API fuzzing: random and adversarial parameters in every path and query slot of
 * every public endpoint. Whatever comes in, the answer is never a 5xx, never a
 * stack trace or a local path, and a successful answer comes from the published
 * data (it names the published data version).
 */

// Deterministic, so a failure can be replayed: the seed is in the test name.
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ADVERSARIAL = [
  '',
  ' ',
  '0',
  '-1',
  '1.5',
  '1e308',
  '99999999999999999999999',
  '-99999999999999999999999',
  'NaN',
  'Infinity',
  'null',
  'undefined',
  'true',
  "' OR 1=1--",
  "'; DROP TABLE published.areas; --",
  '"',
  '\\',
  '%',
  '%00',
  '%zz',
  '%E0%A4%A',
  '..',
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f',
  '/',
  '//',
  '<script>alert(1)</script>',
  '{"$gt":""}',
  '[]',
  '{}',
  'ß',
  'Straße',
  '🙂',
  '\u202eevil',
  'ا',
  '2024/25',
  '2024-25',
  '7.05,51.47',
  '200,100',
  'x'.repeat(5000),
  'Quartier',
  'schueler_insgesamt',
];

const TEMPLATES = [
  '/api/health',
  '/api/levels',
  '/api/levels/{a}/areas',
  '/api/indicators',
  '/api/indicators/{a}/values',
  '/api/areas/{a}/{b}',
  '/api/areas/{a}/{b}/schools',
  '/api/schools',
  '/api/schools/{a}/catchment',
  '/api/flows/gemeinden',
  '/api/offers',
  '/api/offers/facets',
  '/api/geocode',
  '/api/runs',
  '/api/export/{a}.csv',
  '/api/export/{a}.{b}',
  '/api/openapi.json',
  '/tiles/{a}.json',
  '/tiles/areas/{a}/{b}/{c}.mvt',
  '/tiles/{a}/{b}/{c}/{d}.mvt',
  '/tiles/indicator/{a}/{b}.json',
  '/tiles/indicator/{a}/{b}/{c}/{d}/{e}.mvt',
  '/{a}',
  '/assets/{a}',
];

const QUERY_NAMES = [
  'level',
  'schuljahr',
  'v',
  'near',
  'address',
  'radius',
  'category',
  'target',
  'language',
  'barrierFree',
  'limit',
  'q',
  'schulform',
  'schulnummer',
  'indicators',
  'shape',
  'decimalComma',
  'extra',
  '__proto__',
  'constructor',
];

function randomString(rnd: () => number): string {
  const alphabet = 'abcXYZ019-_./%\'"\\ ;,:?&=#ßü🙂\u0000\u202e';
  const chars = [...alphabet];
  return Array.from({ length: Math.floor(rnd() * 24) }, () => chars[Math.floor(rnd() * chars.length)]).join('');
}

function requests(seed: number, n: number): string[] {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const value = () => (rnd() < 0.7 ? pick(ADVERSARIAL) : randomString(rnd));
  // Path slots are encoded (as a client would), except sometimes raw, to test the decoder too.
  const slot = () => (rnd() < 0.8 ? encodeURIComponent(value()) : value().replace(/[#?\s]/g, ''));
  return Array.from({ length: n }, () => {
    const path = pick(TEMPLATES).replace(/\{[a-e]\}/g, slot);
    const query = Array.from({ length: Math.floor(rnd() * 4) }, () => `${pick(QUERY_NAMES)}=${encodeURIComponent(value())}`);
    return query.length ? `${path}?${query.join('&')}` : path;
  });
}

const LEAKS = [/\bat .+:\d+:\d+/, /node_modules/, /\/work\//, /\.ts:\d+/, /\bSELECT\b.+\bFROM\b/i, /stack/i];

describe.each(engines().map((e) => [e.name, e] as const))('[%s] API fuzzing', (_, engine) => {
  let t: TestDatabase;
  let app: ReturnType<typeof createApp>;
  let version: string;

  beforeAll(async () => {
    ({ t, app, version } = await publishedDemoApp(engine));
  });
  afterAll(() => t?.dispose());

  async function check(method: string, url: string, init: RequestInit = {}) {
    const res = await app.request(url, { method, ...init });
    const body = Buffer.from(await res.arrayBuffer());
    const text = res.headers.get('content-encoding') ? '' : body.toString('utf8');
    const problem =
      res.status >= 500
        ? `status ${res.status}`
        : LEAKS.find((re) => re.test(text))
          ? `leaks ${LEAKS.find((re) => re.test(text))}: ${text.slice(0, 200)}`
          : res.status === 200 && res.headers.get('content-type')?.startsWith('application/json') && /^\/api\/(?!openapi|health)/.test(url)
            ? res.headers.get('x-data-version') === version
              ? null
              : `200 without the published data version (${res.headers.get('x-data-version')})`
            : null;
    return problem ? [`${method} ${url.slice(0, 160)} → ${problem}`] : [];
  }

  it.each([1, 2, 3])('seed %i: 400 random and adversarial GET requests, no 5xx, no leak, only published data', async (seed) => {
    const problems: string[] = [];
    for (const url of requests(seed, 400)) problems.push(...(await check('GET', url)));
    expect(problems).toEqual([]);
  });

  it.each([
    ['/api/areas/Quartier/1%00', 400, 'NUL character'],
    ['/api/geocode?q=Garten%00strasse', 400, 'NUL character'],
    // Decoded once: the level is the literal text "Quartier%25", not "Quartier%".
    ['/api/export/Quartier%2525.csv', 400, 'unknown level "Quartier%25"'],
    ['/api/export/%25E0%25A4%25A.csv', 400, 'unknown level "%E0%A4%A"'],
  ])('%s → %i "%s" (found by fuzzing: NUL bytes, a double-decoded "%")', async (url, status, message) => {
    const res = await app.request(url);
    expect(res.status).toBe(status);
    expect((await res.json()).error.message).toContain(message);
  });

  it.each([
    [
      'tile coordinates out of range',
      ['/tiles/areas/25/0/0.mvt', '/tiles/areas/3/8/0.mvt', '/tiles/areas/3/-1/0.mvt', '/tiles/areas/1e3/0/0.mvt'],
      400,
    ],
    ['tile coordinates that are not integers', ['/tiles/areas/3/1.5/0.mvt', '/tiles/areas/x/y/z.mvt', '/tiles/areas/3/0x1/0.mvt'], 400],
    ['unknown tile layers', ['/tiles/secret.json', '/tiles/staging/1/0/0.mvt', '/tiles/..%2Fstaging/1/0/0.mvt'], 404],
  ])('%s are refused with a clear 4xx', async (_, urls, status) => {
    for (const url of urls) {
      const res = await app.request(url);
      expect([url, res.status]).toEqual([url, status]);
      expect((await res.json()).error.message.length).toBeGreaterThan(0);
    }
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('%s on public endpoints is refused, also with an oversized body', async (method) => {
    const problems: string[] = [];
    for (const url of [
      '/api/levels',
      '/api/offers?near=7.05,51.47',
      '/tiles/areas/10/532/342.mvt',
      '/api/admin/runs',
      '/api/admin/files/x.csv',
    ]) {
      problems.push(...(await check(method, url, { body: 'x'.repeat(100 * 1024), headers: { 'content-type': 'application/json' } })));
      const res = await app.request(url, { method, body: '{"job":"../../etc/passwd"}', headers: { 'content-type': 'application/json' } });
      expect([method, url, res.status < 500, res.status >= 400]).toEqual([method, url, true, true]);
    }
    expect(problems).toEqual([]);
  });
});
