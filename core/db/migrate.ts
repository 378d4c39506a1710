import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../errors.ts';
import type { Database } from './index.ts';

export const SQL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../sql');

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** Migrations are `sql/NNN_name.sql`, applied in numeric order. */
export function readMigrations(dir = SQL_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = fs.readFileSync(path.join(dir, file), 'utf8');
      return {
        version: Number(file.slice(0, 3)),
        name: file.slice(4, -4),
        sql,
        checksum: crypto.createHash('sha256').update(sql).digest('hex').slice(0, 16),
      };
    });
}

/**
 * Applies every migration not yet recorded, each in its own transaction together
 * with its record, so a kill leaves either all or nothing of a migration. On
 * PostgreSQL an advisory lock serialises concurrent starts. Returns the schema version.
 */
export async function migrate(db: Database, migrations = readMigrations()): Promise<number> {
  // Up to date already: verify the checksums read-only, so that a server running
  // under a read-only role (sql/roles/reader.sql) can start without any DDL rights.
  const [exists] = await db.query<{ t: string | null }>(`SELECT to_regclass('meta.schema_migrations')::text AS t`);
  if (exists?.t) {
    const applied = await db.query<{ version: number; checksum: string }>('SELECT version, checksum FROM meta.schema_migrations');
    const byVersion = new Map(applied.map((a) => [Number(a.version), a.checksum]));
    if (migrations.every((m) => byVersion.get(m.version) === m.checksum)) return schemaVersion(db);
  }
  await db.exec(`
    CREATE SCHEMA IF NOT EXISTS meta;
    CREATE TABLE IF NOT EXISTS meta.schema_migrations (
      version int PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    );`);
  for (const m of migrations) {
    await db.transaction(async (tx) => {
      if (db.engine === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(451300)');
      const [applied] = await tx.query<{ checksum: string }>('SELECT checksum FROM meta.schema_migrations WHERE version = $1', [m.version]);
      if (applied) {
        if (applied.checksum !== m.checksum) {
          throw new AppError(
            'integrity',
            `Migration ${m.version}_${m.name} was changed after it was applied (checksum ${applied.checksum}, file ${m.checksum}). ` +
              'Add a new migration instead of editing an applied one.',
          );
        }
        return;
      }
      await tx.exec(m.sql);
      await tx.query('INSERT INTO meta.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
    });
  }
  return schemaVersion(db);
}

export async function schemaVersion(db: Database): Promise<number> {
  const [row] = await db.query<{ v: number | null }>('SELECT max(version)::int AS v FROM meta.schema_migrations');
  return row?.v ?? 0;
}
