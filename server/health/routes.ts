import { Hono } from 'hono';
import type { Database } from '../../core/db/index.ts';
import { schemaVersion } from '../../core/db/migrate.ts';
import type { PublicationState } from '../publication.ts';

export function healthRoutes(deps: { getDb: () => Database; publication: PublicationState; basemapStyleUrl: string | null }) {
  const app = new Hono();
  app.get('/', async (c) => {
    const db = deps.getDb();
    const pub = await deps.publication.current();
    c.header('Cache-Control', 'no-store');
    return c.json({
      status: 'ok',
      engine: db.engine,
      schemaVersion: await schemaVersion(db),
      dataVersion: pub?.dataVersion ?? null,
      publishedAt: pub?.publishedAt ?? null,
      municipality: pub?.municipality ?? null,
      basemap: deps.basemapStyleUrl,
    });
  });
  return app;
}
