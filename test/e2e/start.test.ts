import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, health, startServer, waitFor, type Started } from '../helpers/spawn.ts';

/**
 * The quick start as a new user meets it: the first start creates the database
 * and loads the full demo; killed halfway, the next start recovers; a later
 * start reuses the data directory without loading the demo again.
 */
describe('[pglite] npm start', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-start-'));
  let running: Started | undefined;
  afterAll(async () => {
    running?.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('recovers from a SIGKILL during the first start, then serves the demo; a second start reuses it', async () => {
    const port = await freePort();
    const first = startServer({ DATA_DIR: dataDir, PORT: String(port) });
    running = first;
    await waitFor(() => first.output().includes('Records'), 90_000, 'the demo pipeline to reach the records stage');
    first.child.kill('SIGKILL');
    await first.exited;
    expect(fs.existsSync(path.join(dataDir, 'pgdata.next'))).toBe(true); // the kill hit the copy, not the live database

    const second = startServer({ DATA_DIR: dataDir, PORT: String(port) });
    running = second;
    await waitFor(async () => !!(await health(port))?.dataVersion, 120_000, 'health with a data version');
    expect(second.output()).toContain('loading the Musterstadt demo');
    expect(second.output()).toContain(`Quartiersmonitor läuft: http://localhost:${port}`);
    const h = (await health(port))!;
    expect(h.engine).toBe('pglite');
    expect(fs.existsSync(path.join(dataDir, 'pgdata.next'))).toBe(false);
    const tj = await (await fetch(`http://127.0.0.1:${port}/tiles/areas.json`)).json();
    const [w, south, e, n] = tj.bounds as number[];
    const lon = (w! + e!) / 2;
    const lat = ((south! + n!) / 2) * (Math.PI / 180);
    const x = Math.floor(((lon + 180) / 360) * 1024);
    const y = Math.floor(((1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2) * 1024);
    const tileUrl = (tj.tiles[0] as string).replace('{z}/{x}/{y}', `10/${x}/${y}`);
    expect(tileUrl).toContain(`?v=${h.dataVersion}`);
    const tile = await fetch(tileUrl);
    expect(tile.status).toBe(200);
    expect(tile.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(await page.text()).toContain('<html lang="de">');

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'LOCK'))).toBe(false);

    const third = startServer({ DATA_DIR: dataDir, PORT: String(port) });
    running = third;
    await waitFor(async () => (await health(port))?.dataVersion === h.dataVersion, 60_000, 'the second start');
    expect(third.output()).not.toContain('loading the Musterstadt demo');
    third.child.kill('SIGTERM');
    await third.exited;
  }, 300_000);
});
