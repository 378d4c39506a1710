import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, WEB_DIST } from '../../server/app.ts';
import { runQuiet, smallDemoJob } from '../helpers/demo.ts';
import { engines, type TestDatabase } from '../helpers/engines.ts';
import { browser as browserRequirement, CHROMIUM, ROOT } from '../helpers/requirements.ts';

const req = browserRequirement();
const ARTEFACTS = path.join(ROOT, 'test-results');

/**
 * The web app in Debian's Chromium against the real server: the choropleth's
 * colours are the classes of the values API, and switching the indicator
 * re-colours through feature-state without fetching tiles again.
 */
describe.skipIf(!req.available)('[pglite] web app in Chromium', () => {
  let t: TestDatabase;
  let server: ServerType;
  let base: string;
  let chromium: Browser;
  let page: Page;
  const tileRequests: string[] = [];

  beforeAll(async () => {
    t = await engines()[0]!.open();
    await runQuiet(t.db, smallDemoJob());
    const app = createApp({ getDb: () => t.db, webDist: WEB_DIST });
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { chromium: launcher } = await import('playwright-core');
    chromium = await launcher.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        '--enable-unsafe-swiftshader',
        '--use-angle=swiftshader',
      ],
    });
    page = await chromium.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('request', (r) => {
      if (/\/tiles\/areas\/\d+\/\d+\/\d+\.mvt/.test(r.url())) tileRequests.push(r.url());
    });
    fs.mkdirSync(ARTEFACTS, { recursive: true });
  });
  afterAll(async () => {
    await chromium?.close();
    server?.close();
    await t?.dispose();
  });

  const waitIdle = () =>
    page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const m = (window as any).quartiersmonitor.map;
          if (m.loaded() && m.areTilesLoaded()) resolve();
          else m.once('idle', () => resolve());
        }),
    );

  /** Feature-state colour of every Quartier, by fid, as the map holds it. */
  const colours = () =>
    page.evaluate(() => {
      const s = (window as any).quartiersmonitor;
      return s.values.values.map((v: { fid: number }) => [
        v.fid,
        s.map.getFeatureState({ source: 'areas', sourceLayer: 'Quartier', id: v.fid }).colour,
      ]);
    });

  async function expectColoursMatchApi(indicator: string) {
    const api = await (await fetch(`${base}/api/indicators/${indicator}/values?level=Quartier&schuljahr=2024/25`)).json();
    const breaks: number[] = api.stats.breaks.quantile['5'];
    const shown = new Map<number, string>(await colours());
    const palette = await page.evaluate(() => (window as any).quartiersmonitor.colours as string[]);
    expect(palette).toHaveLength(5);
    const classOf = (v: number) => {
      for (let i = breaks.length - 2; i >= 1; i--) if (v >= breaks[i]!) return i;
      return 0;
    };
    const used = new Set<number>();
    for (const v of api.values) {
      if (v.value === null) expect(shown.get(v.fid)).toBe('#ffffff');
      else {
        used.add(classOf(v.value));
        expect(shown.get(v.fid)).toBe(palette[classOf(v.value)]);
      }
    }
    expect(used.size).toBeGreaterThanOrEqual(3);
    // The legend names every class with its count of areas.
    const legend = await page.locator('#legend').innerText();
    expect(legend).toContain('von ');
    expect(legend).toContain('bis unter');
  }

  it('renders the choropleth of pupils per Quartier in the classes of the values API', async () => {
    await page.goto(base + '/');
    await page.waitForSelector('body[data-ready="schueler_insgesamt|Quartier|2024/25"]', { timeout: 30_000 });
    await waitIdle();
    await expectColoursMatchApi('schueler_insgesamt');
    // Pixels, not only state: the map canvas shows several distinct fill colours.
    const shot = await page.locator('#map canvas').screenshot({ path: path.join(ARTEFACTS, 'choropleth.png') });
    expect(shot.length).toBeGreaterThan(10_000);
    expect(tileRequests.length).toBeGreaterThan(0);
  });

  it('re-colours on another indicator without requesting tiles again, and keeps the view in the URL', async () => {
    const before = tileRequests.length;
    await page.selectOption('#indicator', 'anteil_familiensprache_nicht_deutsch');
    await page.waitForSelector('body[data-ready="anteil_familiensprache_nicht_deutsch|Quartier|2024/25"]');
    await waitIdle();
    await expectColoursMatchApi('anteil_familiensprache_nicht_deutsch');
    expect(tileRequests.length).toBe(before);
    expect(new URL(page.url()).searchParams.get('indicator')).toBe('anteil_familiensprache_nicht_deutsch');
    await page.reload();
    await page.waitForSelector('body[data-ready="anteil_familiensprache_nicht_deutsch|Quartier|2024/25"]');
    expect(await page.locator('#indicator').inputValue()).toBe('anteil_familiensprache_nicht_deutsch');
    await page.screenshot({ path: path.join(ARTEFACTS, 'familiensprache.png') });
  });
});
