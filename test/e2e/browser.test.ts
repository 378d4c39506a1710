import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, WEB_DIST } from '../../server/app.ts';
import { runQuiet, smallDemoJob } from '../helpers/demo.ts';
import { engines, type TestDatabase } from '../helpers/engines.ts';
import { browser as browserRequirement, CHROMIUM, CHROMIUM_ARGS, ROOT } from '../helpers/requirements.ts';

const req = browserRequirement();
const ARTEFACTS = path.join(ROOT, 'test-results');
const AXE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');

interface ApiValue {
  fid: number;
  areaId: string;
  name: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  suppressed: boolean;
}

// The server's class rule, written out again so the test does not trust the app's copy.
const classOf = (v: number, breaks: number[]) => {
  for (let i = breaks.length - 2; i >= 1; i--) if (v >= breaks[i]!) return i;
  return 0;
};
const de = (v: number) => new Intl.NumberFormat('de-DE', { maximumFractionDigits: 1 }).format(v);

/**
 * The web app in Debian's Chromium against the real server with the small demo:
 * what the map, legend, table, profile and finder show is checked against the API.
 */
describe.skipIf(!req.available)('[pglite] web app in Chromium', () => {
  let t: TestDatabase;
  let server: ServerType;
  let base: string;
  let chromium: Browser;
  let page: Page;
  const tileRequests: string[] = [];

  const api = async (url: string) => (await fetch(base + url)).json();

  beforeAll(async () => {
    t = await engines()[0]!.open();
    await runQuiet(t.db, smallDemoJob());
    const app = createApp({ getDb: () => t.db, webDist: WEB_DIST });
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { chromium: launcher } = await import('playwright-core');
    chromium = await launcher.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
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

  const waitIdle = (p: Page = page) =>
    p.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const m = (window as any).quartiersmonitor.map;
          if (m.loaded() && m.areTilesLoaded()) resolve();
          else m.once('idle', () => resolve());
        }),
    );
  const ready = (indicator: string, level = 'Quartier', schuljahr = '2024/25', p: Page = page) =>
    p.waitForSelector(`body[data-ready="${indicator}|${level}|${schuljahr}"]`, { timeout: 30_000 });

  /** Feature-state of every area of a level, by fid, as the map holds it. */
  const states = (level: string, p: Page = page) =>
    p.evaluate((level) => {
      const s = (window as any).quartiersmonitor;
      return s.values.values.map((v: { fid: number }) => [
        v.fid,
        s.map.getFeatureState({ source: 'areas', sourceLayer: level, id: v.fid }),
      ]);
    }, level) as Promise<[number, { colour: string; suppressed: boolean; missing: boolean }][]>;

  async function expectColoursMatchApi(indicator: string, k = 5, method = 'quantile') {
    const body = await api(`/api/indicators/${indicator}/values?level=Quartier&schuljahr=2024/25`);
    const breaks: number[] = body.stats.breaks[method][String(k)];
    const shown = new Map(await states('Quartier'));
    const palette = await page.evaluate(() => (window as any).quartiersmonitor.colours as string[]);
    expect(palette).toHaveLength(k);
    const counts = new Array<number>(k).fill(0);
    for (const v of body.values as ApiValue[]) {
      const s = shown.get(v.fid)!;
      expect([v.areaId, s.suppressed]).toEqual([v.areaId, v.suppressed]);
      if (v.value === null) expect([v.areaId, s.colour]).toEqual([v.areaId, '#ffffff']);
      else {
        counts[classOf(v.value, breaks)]!++;
        expect([v.areaId, s.colour]).toEqual([v.areaId, palette[classOf(v.value, breaks)]]);
      }
    }
    expect(counts.filter((c) => c > 0).length).toBeGreaterThanOrEqual(3);
    // The legend names every class "von … bis unter …" with its number of areas.
    const legend = await page.locator('#legend .legend-table tr').allInnerTexts();
    for (let i = 0; i < k; i++) {
      const to = i === k - 1 ? `bis ${de(breaks[i + 1]!)}` : `bis unter ${de(breaks[i + 1]!)}`;
      expect(legend[i]!.replace(/\s+/g, ' ')).toContain(`von ${de(breaks[i]!)} ${to}`);
      expect(legend[i]).toContain(`${counts[i]} Gebiete`);
    }
    const suppressed = (body.values as ApiValue[]).filter((v) => v.suppressed).length;
    if (suppressed) expect(legend[k]!.replace(/\s+/g, ' ')).toContain(`geheim (weniger als 3 Fälle) ${suppressed} Gebiete`);
  }

  it('renders the choropleth of pupils per Quartier in the classes of the values API, with legend and labels', async () => {
    await page.goto(base + '/');
    await ready('schueler_insgesamt');
    await waitIdle();
    await expectColoursMatchApi('schueler_insgesamt');
    // Pixels, not only state: the map canvas shows the fills.
    const shot = await page.locator('#map canvas').screenshot({ path: path.join(ARTEFACTS, 'choropleth.png') });
    expect(shot.length).toBeGreaterThan(10_000);
    expect(tileRequests.length).toBeGreaterThan(0);
    // Area names as DOM labels (no glyphs needed); the visible ones are real Quartier names.
    const names = new Set(((await api('/api/levels/Quartier/areas')).areas as { name: string }[]).map((a) => a.name));
    const labels = await page.locator('.labels .label:visible').allInnerTexts();
    expect(labels.length).toBeGreaterThan(10);
    for (const l of labels) expect(names.has(l)).toBe(true);
  });

  it('re-colours on another indicator, classification and class count without requesting tiles again', async () => {
    const before = tileRequests.length;
    await page.selectOption('#indicator', 'anteil_familiensprache_nicht_deutsch');
    await ready('anteil_familiensprache_nicht_deutsch');
    await waitIdle();
    await expectColoursMatchApi('anteil_familiensprache_nicht_deutsch');
    await page.selectOption('#method', 'jenks');
    await page.selectOption('#classes', '4');
    await page.waitForFunction(() => (window as any).quartiersmonitor.colours.length === 4);
    await waitIdle();
    await expectColoursMatchApi('anteil_familiensprache_nicht_deutsch', 4, 'jenks');
    expect(tileRequests.length).toBe(before);
    // Higher share of non-German family language = more need: the warm sequential palette.
    expect(await page.locator('#palette').inputValue()).toBe('orange');
  });

  it('the table alternative shows the values of the API and sorts by a column', async () => {
    const body = await api('/api/indicators/anteil_familiensprache_nicht_deutsch/values?level=Quartier&schuljahr=2024/25');
    await page.click('#table-box summary');
    const rows = await page
      .locator('#table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.children).map((c) => (c as HTMLElement).innerText.trim())));
    expect(rows).toHaveLength(body.values.length);
    const byName = new Map(rows.map((r) => [r[0], r]));
    for (const v of body.values as ApiValue[]) {
      const r = byName.get(v.name)!;
      expect(r.slice(0, 4)).toEqual([
        v.name,
        v.suppressed ? 'geheim' : v.value === null ? '–' : de(v.value),
        v.numerator === null ? '–' : de(v.numerator),
        v.denominator === null ? '–' : de(v.denominator),
      ]);
    }
    // Sorting by value, descending: the first row is the highest published value.
    await page.click('#table thead button[data-key="shown"]');
    await page.click('#table thead button[data-key="shown"]');
    expect(await page.locator('#table th[aria-sort="descending"]').innerText()).toContain('Wert');
    const first = await page.locator('#table tbody tr').first().locator('th').innerText();
    const max = (body.values as ApiValue[]).filter((v) => v.value !== null).sort((a, b) => b.value! - a.value!)[0]!;
    expect((body.values as ApiValue[]).filter((v) => v.value === max.value).map((v) => v.name)).toContain(first);
  });

  it('compares with the city: diverging colours by the sign of the difference', async () => {
    await page.selectOption('#compare', 'city');
    await page.waitForFunction(() => document.body.dataset.compare === 'city');
    await ready('anteil_familiensprache_nicht_deutsch');
    await page.waitForFunction(() => (window as any).quartiersmonitor.shown().title.includes('Abweichung'));
    await waitIdle();
    const body = await api('/api/indicators/anteil_familiensprache_nicht_deutsch/values?level=Quartier&schuljahr=2024/25');
    const shown = new Map(await states('Quartier'));
    const { breaks, colours } = await page.evaluate(() => (window as any).quartiersmonitor.shown());
    // Symmetric around 0: the first break is minus the last.
    expect(breaks[0]).toBe(-breaks[breaks.length - 1]);
    for (const v of body.values as ApiValue[]) {
      if (v.value === null) continue;
      const diff = Math.round((v.value - body.city.value) * 1e4) / 1e4;
      expect([v.areaId, shown.get(v.fid)!.colour]).toEqual([v.areaId, colours[classOf(diff, breaks)]]);
    }
    expect(await page.locator('#palette').inputValue()).toBe('puor');
    await page.selectOption('#compare', 'none');
  });

  it('keeps the whole view in the URL, and a reload shows the same view with the profile open', async () => {
    await page.selectOption('#level', 'Stadtteil');
    await ready('anteil_familiensprache_nicht_deutsch', 'Stadtteil');
    await page.selectOption('#schuljahr', '2023/24');
    await ready('anteil_familiensprache_nicht_deutsch', 'Stadtteil', '2023/24');
    await page.selectOption('#compare', 'year');
    await page.selectOption('#ref', '2022/23');
    await page.waitForFunction(() => (window as any).quartiersmonitor.shown().title.includes('2022/23'));
    await waitIdle();
    // A click on an area opens its profile.
    const areas = (await api('/api/levels/Stadtteil/areas')).areas as { areaId: string; name: string; lon: number; lat: number }[];
    const target = areas[3]!;
    const point = await page.evaluate(([lon, lat]) => (window as any).quartiersmonitor.map.project([lon, lat]), [target.lon, target.lat]);
    const box = (await page.locator('#map canvas').boundingBox())!;
    await page.mouse.click(box.x + point.x, box.y + point.y);
    await page.waitForSelector(`body[data-profile="Stadtteil|${target.areaId}"]`);
    expect(await page.locator('#profile-title').innerText()).toBe(`Steckbrief: ${target.name}`);
    const profile = await api(`/api/areas/Stadtteil/${target.areaId}`);
    const pupils = profile.indicators.find((i: { indicator: { id: string } }) => i.indicator.id === 'schueler_insgesamt');
    const own = pupils.series.find((s: { schuljahr: string }) => s.schuljahr === '2023/24');
    const row = page.locator('#profile tr', { has: page.locator('th', { hasText: /^Schülerinnen und Schüler \(Wohnort\)$/ }) });
    expect(await row.locator('td').first().innerText()).toBe(own.suppressed ? 'geheim' : de(own.value));
    expect(await row.locator('td').nth(3).innerText()).toBe(`${own.rank} von ${own.rankedAreas}`);
    await page.screenshot({ path: path.join(ARTEFACTS, 'profile.png') });

    const url = new URL(page.url());
    expect(Object.fromEntries([...url.searchParams].filter(([k]) => k !== 'at'))).toEqual({
      level: 'Stadtteil',
      indicator: 'anteil_familiensprache_nicht_deutsch',
      schuljahr: '2023/24',
      compare: 'year',
      ref: '2022/23',
      method: 'jenks',
      classes: '4',
      area: target.areaId,
    });
    const at = url.searchParams.get('at')!;
    await page.reload();
    await ready('anteil_familiensprache_nicht_deutsch', 'Stadtteil', '2023/24');
    await page.waitForSelector(`body[data-profile="Stadtteil|${target.areaId}"]`);
    expect(await page.locator('#compare').inputValue()).toBe('year');
    expect(await page.locator('#ref').inputValue()).toBe('2022/23');
    expect(await page.locator('#method').inputValue()).toBe('jenks');
    expect(await page.locator('#classes').inputValue()).toBe('4');
    expect(new URL(page.url()).searchParams.get('at')).toBe(at);
    await page.click('#profile-close');
    expect(new URL(page.url()).searchParams.get('area')).toBe(null);
  });

  it('works from the keyboard: the map zooms with "+", an area of the table opens its profile with Enter', async () => {
    await page.goto(`${base}/?indicator=schueler_insgesamt&level=Stadtteil`);
    await ready('schueler_insgesamt', 'Stadtteil');
    await waitIdle();
    const zoom = await page.evaluate(() => (window as any).quartiersmonitor.map.getZoom());
    await page.focus('#map canvas');
    await page.keyboard.press('+');
    await page.waitForFunction((z) => (window as any).quartiersmonitor.map.getZoom() >= z + 0.9, zoom);
    await page.click('#table-box summary');
    const first = page.locator('#table tbody button').first();
    const name = await first.innerText();
    await first.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('body[data-profile]');
    expect(await page.locator('#profile-title').innerText()).toBe(`Steckbrief: ${name}`);
    // Focus moves into the profile, so keyboard users land where the content appeared.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('profile');
  });

  it('shows a school catchment as shares per residence area, as the catchment API gives them', async () => {
    await page.goto(base + '/?panel=schools&level=Stadtteil');
    await page.waitForSelector('#school option:nth-child(2)', { state: 'attached' });
    const schools = (await api('/api/schools')).schools as { schulnummer: string; name: string }[];
    // The school with the most published catchment cells, so the map has several classes.
    let best = { schulnummer: '', cells: -1 };
    for (const s of schools.slice(0, 15)) {
      const c = await api(`/api/schools/${s.schulnummer}/catchment?level=Stadtteil`);
      const cells = c.areas.filter((a: { share: number | null }) => a.share !== null).length;
      if (cells > best.cells) best = { schulnummer: s.schulnummer, cells };
    }
    await page.selectOption('#school', best.schulnummer);
    await page.waitForSelector(`body[data-catchment="${best.schulnummer}"]`);
    const c = await api(`/api/schools/${best.schulnummer}/catchment?level=Stadtteil`);
    const rows = await page
      .locator('#schools-table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.children).map((x) => (x as HTMLElement).innerText.trim())));
    expect(rows.length).toBe(c.areas.length);
    const byName = new Map(rows.map((r) => [r[0], r]));
    for (const a of c.areas as { name: string; count: number | null; share: number | null }[]) {
      expect(byName.get(a.name)).toEqual([
        a.name,
        a.count === null ? 'geheim' : String(a.count),
        a.share === null ? 'geheim' : `${de(a.share * 100)} %`,
      ]);
    }
    const coloured = await page.evaluate((areas: { fid: number }[]) => {
      const m = (window as any).quartiersmonitor.map;
      return areas.filter((a) => m.getFeatureState({ source: 'areas', sourceLayer: 'Stadtteil', id: a.fid }).colour !== '#ffffff').length;
    }, c.areas);
    expect(coloured).toBe(c.areas.filter((a: { share: number | null }) => a.share !== null).length);
    await page.screenshot({ path: path.join(ARTEFACTS, 'catchment.png') });
  });

  it('the finder lists the nearest offers for a typed address, in German and in Arabic right to left', async () => {
    const [house] = await t.db.query<{ street: string; house_number: string }>(
      `SELECT street, house_number FROM published.addresses WHERE house_number <> '' ORDER BY street, number LIMIT 1 OFFSET 40`,
    );
    const address = `${house!.street} ${house!.house_number}`;
    const expected = await api(`/api/offers?address=${encodeURIComponent(address)}&radius=2000&limit=50`);
    expect(expected.offers.length).toBeGreaterThan(0);
    for (const lang of ['de', 'ar']) {
      const p = await chromium.newPage({ viewport: { width: 360, height: 740 } });
      const asked: string[] = [];
      p.on('request', (r) => asked.push(new URL(r.url()).pathname));
      await p.goto(`${base}/?panel=finder&lang=${lang}`);
      await p.waitForSelector('#finder-address');
      await p.fill('#finder-address', address);
      await p.click('#finder-form button[type=submit]');
      await p.waitForSelector('body[data-offers]');
      const names = await p.locator('#finder-results h3').allInnerTexts();
      expect(names.map((n) => n.replace(/^\d+\s*/, ''))).toEqual(expected.offers.map((o: { name: string }) => o.name));
      expect(await p.locator('#finder').getAttribute('dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
      expect(await p.locator('#finder').getAttribute('lang')).toBe(lang);
      if (lang === 'ar') {
        // Right to left for real: the heading's text starts at the right edge of the panel.
        const heading = (await p.locator('#finder h2').boundingBox())!;
        const panel = (await p.locator('#finder').boundingBox())!;
        expect(await p.locator('#finder h2').evaluate((e) => getComputedStyle(e).direction)).toBe('rtl');
        expect(Math.round(heading.x + heading.width)).toBe(Math.round(panel.x + panel.width));
        expect(await p.locator('#finder h2').innerText()).toBe('ابحث عن استشارة بالقرب منك');
      } else {
        expect(await p.locator('#finder-message').innerText()).toBe(`${expected.offers.length} Angebote gefunden, die nächsten zuerst.`);
      }
      // The finder needs no indicator data: not one values or profile request.
      expect(asked.filter((u) => /^\/api\/(indicators\/.+\/values|areas\/)/.test(u))).toEqual([]);
      expect(asked).toContain('/api/offers');
      await p.screenshot({ path: path.join(ARTEFACTS, `finder-${lang}-360.png`), fullPage: true });
      await p.close();
    }
  });

  it('embeds the map without chrome, and exports the map as PNG with its legend', async () => {
    const p = await chromium.newPage({ viewport: { width: 800, height: 600 } });
    await p.goto(`${base}/?embed=1&indicator=schueler_insgesamt`);
    await ready('schueler_insgesamt', 'Quartier', '2024/25', p);
    expect(await p.locator('header.top').isVisible()).toBe(false);
    expect(await p.locator('#controls').isVisible()).toBe(false);
    expect(await p.locator('#legend').isVisible()).toBe(true);
    await p.screenshot({ path: path.join(ARTEFACTS, 'embed.png') });
    await p.goto(`${base}/?indicator=schueler_insgesamt`);
    await ready('schueler_insgesamt', 'Quartier', '2024/25', p);
    await waitIdle(p);
    const download = p.waitForEvent('download');
    await p.click('#export-png');
    const file = await (await download).path();
    const png = fs.readFileSync(file!);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // Map plus a 320 px legend column: wider than the map canvas.
    const width = png.readUInt32BE(16);
    const canvas = await p.evaluate(() => (window as any).quartiersmonitor.map.getCanvas().width);
    expect(width).toBe(canvas + 320 * (canvas / (await p.locator('#map canvas').evaluate((c) => (c as HTMLCanvasElement).clientWidth))));
    fs.copyFileSync(file!, path.join(ARTEFACTS, 'export.png'));
    // The data exports of the current view are links to the export API.
    expect(await p.locator('#export-csv').getAttribute('href')).toBe(
      '/api/export/Quartier.csv?indicators=schueler_insgesamt&schuljahr=2024%2F25',
    );
    await p.close();
  });

  /** axe-core's serious and critical WCAG 2.1 A/AA violations, as "rule: selectors". */
  async function seriousViolations(p: Page): Promise<string[]> {
    await p.addScriptTag({ path: AXE });
    return p.evaluate(async () => {
      const r = await (window as any).axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] });
      return r.violations
        .filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical')
        .map((v: { id: string; nodes: { target: string[] }[] }) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    });
  }

  it('the accessibility check can fail: an unlabelled field and grey-on-grey text are reported', async () => {
    const p = await chromium.newPage({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
    await p.goto(`${base}/?panel=finder`);
    await p.waitForSelector('#finder-address');
    await p.evaluate(() => {
      document.getElementById('finder-address')!.removeAttribute('id');
      document.querySelector('#finder h2')!.setAttribute('style', 'color:#bbb;background:#ccc');
    });
    const found = await seriousViolations(p);
    expect(found.map((v) => v.split(':')[0])).toEqual(['color-contrast', 'label']);
    await p.close();
  });

  describe.each([360, 1280])('accessibility at %i px', (width) => {
    it.each([
      ['explorer', '/?indicator=schueler_insgesamt'],
      ['explorer with table and profile', '/?indicator=schueler_insgesamt&level=Stadtteil&area=11'],
      ['schools', '/?panel=schools'],
      ['finder', '/?panel=finder'],
      ['finder (Arabic)', '/?panel=finder&lang=ar'],
    ])('axe-core finds no serious or critical violation: %s', async (name, url) => {
      // The app's CSP forbids inline scripts, axe-core is injected as one.
      const p = await chromium.newPage({ viewport: { width, height: 800 }, bypassCSP: true });
      await p.goto(base + url);
      if (url.includes('finder')) await p.waitForSelector('#finder-address');
      else if (url.includes('schools')) await p.waitForSelector('#schools-table table');
      else await p.waitForSelector('body[data-ready]');
      if (url.includes('area=')) {
        await p.waitForSelector('body[data-profile]');
        await p.click('#table-box summary');
      }
      expect(await seriousViolations(p)).toEqual([]);
      expect(await p.evaluate(() => document.documentElement.lang)).toBe('de');
      await p.screenshot({ path: path.join(ARTEFACTS, `a11y-${name.replace(/\W+/g, '-')}-${width}.png`), fullPage: true });
      await p.close();
    });
  });

  // Last: it publishes another version into the database the other tests read.
  it('starts over on a new publication: a request pinned to the old version is refused and the page reloads on the new one', async () => {
    const p = await chromium.newPage({ viewport: { width: 1280, height: 800 } });
    const tiles: string[] = [];
    p.on('request', (r) => {
      if (/\/tiles\/areas\/\d+\/\d+\/\d+\.mvt/.test(r.url())) tiles.push(r.url());
    });
    await p.goto(`${base}/?indicator=schueler_insgesamt`);
    await ready('schueler_insgesamt', 'Quartier', '2024/25', p);
    const a = (await api('/api/health')).dataVersion as string;
    expect(await p.locator('#status').innerText()).toBe(`Datenstand ${a}`);
    const b = (await runQuiet(t.db, smallDemoJob({ disclosure: { minCount: 4, minDenominator: 10 } }))).dataVersion;
    expect(b).not.toBe(a);
    const reload = p.waitForEvent('load');
    await p.selectOption('#indicator', 'anteil_familiensprache_nicht_deutsch');
    await reload;
    await p.waitForFunction((v) => document.getElementById('status')?.textContent === `Datenstand ${v}`, b, { timeout: 30_000 });
    await p.waitForSelector('body[data-ready]');
    await waitIdle(p);
    // Tiles of the old version before, of the new one after; none unpinned.
    expect(tiles.filter((u) => !u.endsWith(`?v=${a}`) && !u.endsWith(`?v=${b}`))).toEqual([]);
    expect(tiles.some((u) => u.endsWith(`?v=${a}`)) && tiles.some((u) => u.endsWith(`?v=${b}`))).toBe(true);
    await p.close();
  });
});
