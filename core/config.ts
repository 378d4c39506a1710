import path from 'node:path';
import { z } from 'zod';
import { AppError } from './errors.ts';

/**
 * Process configuration, read from the environment once and frozen.
 * Everything else receives the parsed object; nothing reads process.env later.
 */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  /** PostgreSQL/PostGIS connection string; when unset, the embedded PGlite engine is used. */
  DATABASE_URL: z.string().url().optional(),
  /** Embedded data directory (PGlite), also holds generated demo inputs and run reports. */
  DATA_DIR: z.string().default('.data'),
  /** Load the Musterstadt demo city when the database has no publication yet. */
  DEMO: z.enum(['0', '1']).default('1'),
  /** Bearer token for admin endpoints; admin operations are disabled without it. */
  ADMIN_TOKEN: z.string().min(16).optional(),
  /** Largest input file an admin may upload, in MiB. */
  UPLOAD_MAX_MB: z.coerce.number().int().min(1).max(65536).default(1024),
  /**
   * PostgreSQL: connection string for pipeline runs started through the server, when
   * the server itself runs under the read-only role (sql/roles/reader.sql). Default: DATABASE_URL.
   */
  PIPELINE_DATABASE_URL: z.string().url().optional(),
  /** Allowed CORS origins, comma-separated; default same-origin only. */
  CORS_ORIGINS: z.string().default(''),
  /** MapLibre style URL of a basemap under the areas (e.g. basemap.de); none by default, nothing is fetched from outside. */
  BASEMAP_STYLE_URL: z.string().url().optional(),
  /** Origins allowed to embed the map (?embed=1) in an iframe, comma-separated; default this site only. */
  EMBED_ORIGINS: z.string().default(''),
});

export type Config = Readonly<{
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  demo: boolean;
  adminToken: string | undefined;
  uploadMaxBytes: number;
  pipelineDatabaseUrl: string | undefined;
  corsOrigins: readonly string[];
  basemapStyleUrl: string | undefined;
  embedOrigins: readonly string[];
}>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable counts as unset (`DATABASE_URL= npm start`).
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = EnvSchema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('invalid_config', `invalid configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    demo: e.DEMO === '1',
    adminToken: e.ADMIN_TOKEN,
    uploadMaxBytes: e.UPLOAD_MAX_MB * 2 ** 20,
    pipelineDatabaseUrl: e.PIPELINE_DATABASE_URL ?? e.DATABASE_URL,
    corsOrigins: Object.freeze(
      e.CORS_ORIGINS.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
    basemapStyleUrl: e.BASEMAP_STYLE_URL,
    embedOrigins: Object.freeze(
      e.EMBED_ORIGINS.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  });
}
