import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { openPglite, openPostgres, type Database } from '../../core/db/index.ts';
import { postgis } from './requirements.ts';

/**
 * The engines every database test runs on: PGlite always, PostgreSQL/PostGIS
 * when TEST_DATABASE_URL is set. Each `open()` gives a fresh, migrated, empty
 * database: a copy of the PGlite template directory, or a PostgreSQL database
 * created from the template database. Test names carry the engine in brackets,
 * which the engine reporter counts.
 */
export interface TestEngine {
  name: 'pglite' | 'postgres';
  open(): Promise<TestDatabase>;
}

export interface TestDatabase {
  db: Database;
  /** PGlite: the data directory; PostgreSQL: the connection string. */
  location: string;
  /** Closes and removes the database. */
  dispose(): Promise<void>;
}

export function copyPgliteTemplate(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-db-'));
  const pgdata = path.join(dir, 'pgdata');
  fs.cpSync(inject('pgliteTemplate'), pgdata, { recursive: true });
  return pgdata;
}

const pglite: TestEngine = {
  name: 'pglite',
  async open() {
    const pgdata = copyPgliteTemplate();
    const db = await openPglite({ pgdata });
    return {
      db,
      location: pgdata,
      async dispose() {
        await db.close();
        fs.rmSync(path.dirname(pgdata), { recursive: true, force: true });
      },
    };
  },
};

const postgres = (url: string): TestEngine => ({
  name: 'postgres',
  async open() {
    const name = `qm_test_${crypto.randomBytes(5).toString('hex')}`;
    const admin = await openPostgres(url, { max: 1 });
    // A template must have no other session; autovacuum may briefly hold one after the migrations.
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.exec(`CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')}`);
        break;
      } catch (err) {
        if ((err as { code?: string }).code !== '55006' || attempt === 50) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await admin.close();
    const u = new URL(url);
    u.pathname = `/${name}`;
    const db = await openPostgres(u.toString());
    return {
      db,
      location: u.toString(),
      async dispose() {
        await db.close();
        const a = await openPostgres(url, { max: 1 });
        await a.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.close();
      },
    };
  },
});

export function engines(): TestEngine[] {
  const list: TestEngine[] = [pglite];
  const url = process.env.TEST_DATABASE_URL;
  if (postgis().available && url) list.push(postgres(url));
  return list;
}
