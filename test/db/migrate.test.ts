import { afterEach, describe, expect, it } from 'vitest';
import { migrate, readMigrations, schemaVersion } from '../../core/db/migrate.ts';
import { engines, type TestDatabase } from '../helpers/engines.ts';

describe.each(engines().map((e) => [e.name, e] as const))('[%s] migrations', (_, engine) => {
  let t: TestDatabase;
  afterEach(() => t?.dispose());

  it('are recorded once and applying them again changes nothing', async () => {
    t = await engine.open();
    const all = readMigrations();
    expect(await schemaVersion(t.db)).toBe(all[all.length - 1]!.version);
    expect(await migrate(t.db)).toBe(all[all.length - 1]!.version);
    const rows = await t.db.query<{ version: number }>('SELECT version FROM meta.schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(all.map((m) => m.version));
  });

  it('refuse a migration file that was edited after it was applied', async () => {
    t = await engine.open();
    const edited = readMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
    await expect(migrate(t.db, edited)).rejects.toThrow(/Migration 1_init was changed after it was applied/);
  });

  it('apply a new migration atomically: a failing one leaves no trace', async () => {
    t = await engine.open();
    const bad = { version: 999, name: 'broken', checksum: 'x', sql: 'CREATE TABLE meta.half_done (a int); SELECT no_such_function();' };
    await expect(migrate(t.db, [...readMigrations(), bad])).rejects.toThrow(/no_such_function/);
    const [row] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'half_done'`,
    );
    expect(row!.n).toBe(0);
    expect(await schemaVersion(t.db)).toBe(readMigrations().at(-1)!.version);
  });
});
