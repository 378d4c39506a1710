import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { AppError } from '../errors.ts';
import { Mutex } from './mutex.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import type { Schema } from './schema.ts';

export type Engine = 'pglite' | 'postgres';

export interface Column {
  name: string;
  /** PostgreSQL array element type used for the bulk load, e.g. 'text', 'int', 'float8'. */
  type: string;
}

/** Column list for `insertRows` from "name type, name type", e.g. columns('level text, ordinal int'). */
export function columns(spec: string): Column[] {
  return spec.split(',').map((part) => {
    const [name, type] = part.trim().split(/\s+/);
    if (!name || !type) throw new Error(`bad column spec "${part}"`);
    return { name, type };
  });
}

/** The SQL surface shared by a database and a transaction on it. */
export interface Sql {
  /** One or more statements without parameters (migrations, DDL). */
  exec(sql: string): Promise<void>;
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Bulk insert; returns the number of rows written (checked by the caller where data moves). */
  insertRows(table: string, columns: readonly Column[], rows: readonly unknown[][]): Promise<number>;
}

export interface Database extends Sql {
  readonly engine: Engine;
  readonly kysely: Kysely<Schema>;
  /** Human-readable target without credentials, for logs and /api/health. */
  readonly target: string;
  /** Whether ST_AsMVT exists (PostgreSQL with PostGIS: yes; PGlite: no). */
  readonly capabilities: Readonly<{ mvt: boolean }>;
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` while holding a named lock that other processes on the same database
   * respect (PostgreSQL: a session advisory lock; PGlite: the data directory lock
   * already makes the process exclusive). Throws `database_locked` when it is held.
   */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const CHUNK = 5000;

/** INSERT … SELECT FROM unnest($1::t[], …): one statement per chunk, same on both engines. */
async function insertViaUnnest(
  query: (sql: string, params: unknown[]) => Promise<{ affected: number }>,
  table: string,
  columns: readonly Column[],
  rows: readonly unknown[][],
): Promise<number> {
  const cols = columns.map((c) => `"${c.name}"`).join(', ');
  const args = columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  const sql = `INSERT INTO ${table} (${cols}) SELECT * FROM unnest(${args})`;
  let written = 0;
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    const params = columns.map((_, i) => chunk.map((r) => r[i] ?? null));
    written += (await query(sql, params)).affected;
  }
  return written;
}

/** COPY … FROM STDIN in text format; returns the rows the server counted. */
async function copyRows(client: pg.PoolClient, table: string, columns: readonly Column[], rows: readonly unknown[][]): Promise<number> {
  const cols = columns.map((c) => `"${c.name}"`).join(', ');
  const stream = client.query(copyFrom(`COPY ${table} (${cols}) FROM STDIN`));
  // Plain loops and one join per line: this runs for every staged record. Measured on a
  // million rows: 1.0 s; a closure per row 2.1 s, += per value 2.3 s.
  const lines: string[] = [];
  const parts = new Array<string>(columns.length);
  for (const r of rows) {
    for (let i = 0; i < columns.length; i++) parts[i] = copyText(r[i]);
    lines.push(parts.join('\t'));
  }
  lines.push('');
  await pipeline(Readable.from([lines.join('\n')]), stream);
  return Number(stream.rowCount);
}

/** A value in COPY text format: \N for NULL; backslash, tab, newline and CR escaped. */
function copyText(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') return String(v);
  const s = typeof v === 'string' ? v : String(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!) : s;
}

// ---------------------------------------------------------------- PGlite

export interface EmbeddedOptions {
  /** The PGlite data directory itself (not DATA_DIR). */
  pgdata: string;
}

export async function openPglite({ pgdata }: EmbeddedOptions): Promise<Database> {
  const pgl = await PGlite.create(pgdata, { extensions: { postgis } });
  const mutex = new Mutex();
  const kysely = new Kysely<Schema>({ dialect: new PGliteDialect(pgl, mutex) });

  type Q = { query: PGlite['query']; exec: PGlite['exec'] };
  const sqlOn = (q: Q): Sql => ({
    async exec(sql) {
      await q.exec(sql);
    },
    async query<R>(sql: string, params?: unknown[]) {
      return (await q.query<R>(sql, params)).rows;
    },
    insertRows: (table, columns, rows) =>
      insertViaUnnest(async (sql, params) => ({ affected: (await q.query(sql, params)).affectedRows ?? 0 }), table, columns, rows),
  });
  const direct = sqlOn(pgl);

  return {
    engine: 'pglite',
    kysely,
    target: pgdata,
    capabilities: Object.freeze({ mvt: false }),
    exec: (sql) => mutex.run(() => direct.exec(sql)),
    query: (sql, params) => mutex.run(() => direct.query(sql, params)),
    insertRows: (t, c, r) => mutex.run(() => direct.insertRows(t, c, r)),
    transaction: (fn) => mutex.run(() => pgl.transaction((tx) => fn(sqlOn(tx)))),
    exclusive: (_name, fn) => fn(),
    async close() {
      await kysely.destroy();
      await mutex.run(() => pgl.close());
    },
  };
}

// ---------------------------------------------------------------- PostgreSQL

// int8 and numeric as JS numbers: our counts are far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Database> {
  // JIT compiling costs 0.3–1 s per large statement (measured on the 1M benchmark) and
  // pays off only for long repeated queries: the pipeline's statements run once, the
  // server's are small. A SET once per connection (awaited before the pool hands the
  // client out), not a startup option: PgBouncer refuses unknown startup parameters.
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    onConnect: async (client) => {
      await client.query('SET jit = off');
    },
  });
  // A client losing its connection must not crash the process (an 'error' event without
  // listener throws), idle in the pool or checked out and idle (the run lock's session):
  // the query that runs on it, or the next one, reports the loss.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  try {
    await pool.query('select 1');
  } catch (err) {
    await pool.end();
    throw new AppError('database', `Cannot connect to PostgreSQL at ${redact(url)}: ${(err as Error).message}`, undefined, {
      cause: err,
    });
  }
  const kysely = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });

  type Q = { query: (sql: string, params?: unknown[]) => Promise<pg.QueryResult> };
  const sqlOn = (q: Q): Sql => ({
    async exec(sql) {
      await q.query(sql);
    },
    async query<R>(sql: string, params?: unknown[]) {
      return (await q.query(sql, params)).rows as R[];
    },
    // COPY: several times faster than INSERT for the million-row staging loads.
    async insertRows(table, columns, rows) {
      if (rows.length === 0) return 0;
      if ('release' in q) return copyRows(q as pg.PoolClient, table, columns, rows);
      const client = await pool.connect();
      try {
        return await copyRows(client, table, columns, rows);
      } finally {
        client.release();
      }
    },
  });
  const direct = sqlOn(pool);
  const mvtRows = await pool.query(`select 1 from pg_proc where proname = 'st_asmvt' limit 1`);

  return {
    engine: 'postgres',
    kysely,
    target: redact(url),
    capabilities: Object.freeze({ mvt: (mvtRows.rowCount ?? 0) > 0 }),
    ...direct,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn(sqlOn(client));
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async exclusive(name, fn) {
      // The lock lives in one session: hold a client for the duration.
      const client = await pool.connect();
      try {
        const key = lockKey(name);
        const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [key]);
        if (!rows[0]?.ok)
          throw new AppError('database_locked', `another process holds the "${name}" lock on this database (a pipeline run in progress?)`);
        try {
          return await fn();
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => {});
        }
      } finally {
        client.release();
      }
    },
    async close() {
      await kysely.destroy(); // ends the pool
    },
  };
}

/** A stable 31-bit advisory lock key for a name. */
function lockKey(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) | 0;
  return (h & 0x7fffffff) + 4513000;
}

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable)';
  }
}

// ---------------------------------------------------------------- data directory lock

/**
 * PGlite takes no lock on its data directory and two processes writing to it
 * corrupt it. We hold an exclusive lock file with our pid; a lock whose pid no
 * longer runs is stale and taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'LOCK');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid)) {
        throw new AppError(
          'database_locked',
          `The data directory ${dataDir} is in use by another Quartiersmonitor process (pid ${pid}). ` +
            `Stop that process first, or set DATA_DIR to another directory.`,
        );
      }
      fs.rmSync(file, { force: true }); // stale lock from a killed process
    }
  }
  throw new AppError('database_locked', `Could not lock the data directory ${dataDir}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A lost PostgreSQL connection (server shut down or restarted, session terminated,
 * network gone) as an AppError people can act on; null for any other error.
 */
export function connectionLost(err: unknown): AppError | null {
  if (err instanceof AppError) return null;
  const code = (err as { code?: string }).code ?? '';
  const message = (err as Error).message ?? String(err);
  const lost =
    code.startsWith('08') ||
    code.startsWith('57P') ||
    ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].includes(code) ||
    /Connection terminated|connection ended|not queryable/i.test(message);
  if (!lost) return null;
  return new AppError('database', `lost the connection to PostgreSQL (${message})`, undefined, { cause: err });
}
