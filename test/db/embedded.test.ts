import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDataDir, openPglite } from '../../core/db/index.ts';
import { pgdataPaths, recover, withEmbeddedCopy } from '../../core/db/embedded.ts';
import { copyPgliteTemplate } from '../helpers/engines.ts';
import { freePort, startServer } from '../helpers/spawn.ts';

/** The embedded data directory: one process at a time, and nothing half-written survives a kill. */
describe('[pglite] embedded data directory', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-embedded-'));
    dirs.push(d);
    return d;
  };
  /** A data directory whose live database is a copy of the migrated template. */
  const dataDirWithDb = () => {
    const dir = tmp();
    fs.renameSync(path.dirname(copyPgliteTemplate()), path.join(dir, 'tpl'));
    fs.renameSync(path.join(dir, 'tpl', 'pgdata'), pgdataPaths(dir).live);
    return dir;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('a second process refuses to open a data directory that is in use, with a clear message', async () => {
    const dir = tmp();
    const release = lockDataDir(dir);
    try {
      const second = startServer({ DATA_DIR: dir, PORT: String(await freePort()), DEMO: '0' });
      expect(await second.exited).toBe(75);
      expect(second.output()).toContain(`The data directory ${dir} is in use by another Quartiersmonitor process (pid ${process.pid})`);
    } finally {
      release();
    }
    expect(fs.existsSync(path.join(dir, 'LOCK'))).toBe(false);
  });

  it('takes over a lock left by a process that no longer runs', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'LOCK'), '999999999');
    const release = lockDataDir(dir);
    expect(fs.readFileSync(path.join(dir, 'LOCK'), 'utf8')).toBe(String(process.pid));
    release();
  });

  it('removes a half-built copy and restores the live database after a kill between renames', () => {
    const dir = tmp();
    const p = pgdataPaths(dir);
    fs.mkdirSync(p.next);
    fs.mkdirSync(p.old);
    fs.writeFileSync(path.join(p.old, 'marker'), 'previous live database');
    recover(dir);
    expect(fs.existsSync(p.next)).toBe(false);
    expect(fs.existsSync(p.old)).toBe(false);
    expect(fs.readFileSync(path.join(p.live, 'marker'), 'utf8')).toBe('previous live database');
  });

  it('a failed write leaves the live database untouched; a successful one is switched in', async () => {
    const dir = dataDirWithDb();
    await expect(
      withEmbeddedCopy(dir, async (db) => {
        await db.exec("INSERT INTO published.levels (level, ordinal, title) VALUES ('Halb', 0, 'halb')");
        throw new Error('killed halfway');
      }),
    ).rejects.toThrow('killed halfway');
    expect(fs.existsSync(pgdataPaths(dir).next)).toBe(false);
    let db = await openPglite({ pgdata: pgdataPaths(dir).live });
    expect(await db.query('SELECT level FROM published.levels')).toEqual([]);
    await db.close();

    await withEmbeddedCopy(dir, (d) => d.exec("INSERT INTO published.levels (level, ordinal, title) VALUES ('Ganz', 0, 'ganz')"));
    db = await openPglite({ pgdata: pgdataPaths(dir).live });
    expect(await db.query('SELECT level FROM published.levels')).toEqual([{ level: 'Ganz' }]);
    await db.close();
  });
});
