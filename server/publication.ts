import type { Database } from '../core/db/index.ts';

/**
 * What the server knows about the current publication. Everything derived from
 * published data (tile indexes, cached tiles and JSON) is keyed by the data
 * version, so a new publication simply makes old entries unreachable.
 */
export interface Publication {
  dataVersion: string;
  publishedAt: string;
  municipality: string;
  ags: string;
  disclosure: { minCount: number; minDenominator: number };
}

export interface PublicationState {
  /** The current publication, or null before the first run. Re-read at most every `ttlMs`. */
  current(): Promise<Publication | null>;
  /** Forget the cached state (after a run through this process). */
  invalidate(): void;
  /** The publication as the database holds it now, bypassing and then replacing the cached state. */
  reread(): Promise<Publication | null>;
}

export function createPublicationState(getDb: () => Database, options: { ttlMs?: number } = {}): PublicationState {
  // Another process may publish (PostgreSQL); a short TTL bounds how long we serve the old version.
  const ttlMs = options.ttlMs ?? 2000;
  let cached: { at: number; value: Promise<Publication | null> } | null = null;
  async function read(): Promise<Publication | null> {
    const [row] = await getDb().query<{
      data_version: string;
      published_at: Date | string;
      municipality: string;
      ags: string;
      disclosure: Publication['disclosure'] | string;
    }>('SELECT data_version, published_at, municipality, ags, disclosure FROM meta.publication WHERE id = 1');
    if (!row) return null;
    return {
      dataVersion: row.data_version,
      publishedAt: new Date(row.published_at).toISOString(),
      municipality: row.municipality,
      ags: row.ags,
      disclosure: typeof row.disclosure === 'string' ? JSON.parse(row.disclosure) : row.disclosure,
    };
  }
  return {
    current() {
      const now = Date.now();
      if (!cached || now - cached.at > ttlMs) {
        const value = read();
        cached = { at: now, value };
        // Nothing published yet is not cached: the first publication shows at once.
        value.then((v) => v === null && (cached = null)).catch(() => (cached = null));
      }
      return cached.value;
    },
    invalidate() {
      cached = null;
    },
    reread() {
      cached = null;
      return this.current();
    },
  };
}

/** A cache of values computed from one data version; dropped when the version changes. */
export function versionedCache<T>() {
  let version: string | null = null;
  let map = new Map<string, Promise<T>>();
  return {
    get(dataVersion: string, key: string, compute: () => Promise<T>): Promise<T> {
      if (dataVersion !== version) {
        version = dataVersion;
        map = new Map();
      }
      let v = map.get(key);
      if (!v) {
        v = compute();
        map.set(key, v);
        v.catch(() => map.delete(key));
      }
      return v;
    },
  };
}
