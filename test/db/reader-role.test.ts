import fs from 'node:fs';
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type Database } from '../../core/db/index.ts';
import { openDatabase } from '../../core/db/open.ts';
import { createApp } from '../../server/app.ts';
import { runQuiet, smallDemoJob } from '../helpers/demo.ts';
import { engines, type TestDatabase } from '../helpers/engines.ts';

/**
 * The server can run on PostgreSQL under its own role (sql/roles/reader.sql) that
 * reads published data and run metadata and has no rights on staging.
 */
const postgres = engines().find((e) => e.name === 'postgres');

describe.skipIf(!postgres)('[postgres] the server under its own read-only role', () => {
  let t: TestDatabase;
  let reader: Database;
  let readerUrl: string;
  const role = `qm_reader_${crypto.randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    t = await postgres!.open();
    await runQuiet(t.db, smallDemoJob({ keepStaging: true }));
    const script = fs
      .readFileSync(new URL('../../sql/roles/reader.sql', import.meta.url), 'utf8')
      .replace(/:role/g, role)
      .replace(/:password/g, "'reader-secret'");
    await t.db.exec(script);
    const u = new URL(t.location);
    u.username = role;
    u.password = 'reader-secret';
    readerUrl = u.toString();
    reader = await openPostgres(readerUrl);
  });
  afterAll(async () => {
    await reader?.close();
    await t?.dispose();
    const admin = await openPostgres(process.env.TEST_DATABASE_URL!, { max: 1 });
    await admin.exec(`DROP ROLE IF EXISTS ${role}`);
    await admin.close();
  });

  it('serves the API and tiles', async () => {
    const app = createApp({ getDb: () => reader, webDist: null });
    for (const url of [
      '/api/health',
      '/api/indicators/schueler_insgesamt/values',
      '/api/areas/Stadtteil/11',
      '/api/runs',
      '/api/geocode?q=Garten',
      '/tiles/areas.json',
      '/tiles/schools.json',
    ]) {
      expect([url, (await app.request(url)).status]).toEqual([url, 200]);
    }
  });

  it('starts like the server does: migrations already applied need no rights', async () => {
    const handle = await openDatabase({ databaseUrl: readerUrl, dataDir: '/nonexistent' });
    await handle.close();
  });

  it.each([
    ['SELECT count(*) FROM staging.records', /permission denied for schema staging/],
    ['SELECT count(*) FROM staging.house_points', /permission denied for schema staging/],
    ["INSERT INTO published.levels (level, ordinal, title) VALUES ('x', 99, 'x')", /permission denied for table levels/],
    ['DELETE FROM published.indicator_values', /permission denied for table indicator_values/],
    ['UPDATE meta.publication SET data_version = $1', /permission denied for table publication/],
    ['CREATE TABLE public.leak (x int)', /permission denied for schema public/],
  ])('refuses %s', async (statement, message) => {
    await expect(reader.query(statement, statement.includes('$1') ? ['x'] : undefined)).rejects.toThrow(message);
  });
});
