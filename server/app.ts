import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { Database } from '../core/db/index.ts';
import type { DatabaseHandle } from '../core/db/open.ts';
import { AppError } from '../core/errors.ts';
import { log } from '../core/log.ts';
import { adminRoutes } from './admin/routes.ts';
import { pipelineRunner } from './admin/runner.ts';
import { uploadStore } from './admin/uploads.ts';
import { areasRepository } from './areas/repository.ts';
import { areaRoutes, levelRoutes } from './areas/routes.ts';
import { exportRoutes } from './export/routes.ts';
import { geocodeRepository } from './geocode/repository.ts';
import { geocodeRoutes } from './geocode/routes.ts';
import { healthRoutes } from './health/routes.ts';
import { indicatorsRepository } from './indicators/repository.ts';
import { indicatorRoutes } from './indicators/routes.ts';
import { offersRepository } from './offers/repository.ts';
import { offerRoutes } from './offers/routes.ts';
import { docsPage, openApiDocument } from './openapi.ts';
import { createPauseGate } from './pause.ts';
import { responseCache } from './response-cache.ts';
import { createPublicationState, type PublicationState } from './publication.ts';
import { pinnedVersion, versionCheck } from './versions.ts';
import { runsRepository } from './runs/repository.ts';
import { runRoutes } from './runs/routes.ts';
import { schoolsRepository } from './schools/repository.ts';
import { flowRoutes, schoolRoutes } from './schools/routes.ts';
import { TILE_LAYERS, tileCatalog } from './tiles/catalog.ts';
import { tileRoutes } from './tiles/routes.ts';

/** Version of the HTTP API (paths and response shapes), independent of the data version. */
export const API_VERSION = '1.0.0';

export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web/dist');

export interface AppOptions {
  /** Returns the open database; a getter because the embedded engine reopens after a run. */
  getDb: () => Database;
  publication?: PublicationState;
  corsOrigins?: readonly string[];
  /** Built web app to serve at /; none when absent. */
  webDist?: string | null;
  attribution?: string;
  /** Basemap style URL the web app puts under the areas; null = none. */
  basemapStyleUrl?: string | null;
  /** Origins allowed to embed the map in an iframe (CSP frame-ancestors). */
  embedOrigins?: readonly string[];
  /** Admin operations (uploads, pipeline runs); they answer 403 without a token. */
  admin?: {
    token: string | undefined;
    handle: Pick<DatabaseHandle, 'writeElsewhere'>;
    /** DATA_DIR: uploads go to DATA_DIR/uploads, run reports to DATA_DIR/reports. */
    dataDir: string;
    uploadMaxBytes: number;
  };
}

/**
 * Builds what the first requests of a data version would otherwise build while
 * users wait: the publication state and every tile layer's index. Called before
 * the server listens and after a publication switched in.
 */
export async function warmUp(app: { request: (path: string) => Response | Promise<Response> }): Promise<void> {
  await app.request('/api/health');
  for (const layer of TILE_LAYERS) await app.request(`/tiles/${layer}.json`);
}

export function createApp(o: AppOptions) {
  const publication = o.publication ?? createPublicationState(o.getDb);
  const areas = areasRepository(o.getDb);
  const indicators = indicatorsRepository(o.getDb);
  const schools = schoolsRepository(o.getDb);
  const offers = offersRepository(o.getDb);
  const geocode = geocodeRepository(o.getDb);
  const attribution = o.attribution ?? 'Quartiersmonitor · Schulstatistik, eigene Berechnung';

  const app = new Hono();
  const gate = createPauseGate();
  const admin = o.admin?.token ? o.admin : null;
  const uploads = admin ? uploadStore(path.join(admin.dataDir, 'uploads')) : null;
  const runner =
    admin && uploads
      ? pipelineRunner({
          handle: admin.handle,
          pause: gate.pause,
          uploads,
          reportDir: path.join(admin.dataDir, 'reports'),
          onPublished: async () => {
            publication.invalidate();
            await warmUp(app);
          },
        })
      : null;
  const isAdmin = (p: string) => p.startsWith('/api/admin/');
  const basemapOrigin = o.basemapStyleUrl ? [new URL(o.basemapStyleUrl).origin] : [];

  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // MapLibre runs its workers from blob: URLs and draws images from blob:/data:.
        workerSrc: ["'self'", 'blob:'],
        childSrc: ["'self'", 'blob:'],
        // A configured basemap loads its style, tiles, sprites and glyphs from its own origin.
        imgSrc: ["'self'", 'data:', 'blob:', ...basemapOrigin],
        styleSrc: ["'self'", "'unsafe-inline'"],
        connectSrc: ["'self'", ...basemapOrigin],
        // Sites allowed to show the map in an iframe (?embed=1).
        frameAncestors: ["'self'", ...(o.embedOrigins ?? [])],
      },
      // frame-ancestors says it; X-Frame-Options cannot name other sites.
      xFrameOptions: o.embedOrigins?.length ? false : 'SAMEORIGIN',
      crossOriginResourcePolicy: 'same-origin',
    }),
  );
  if (o.corsOrigins && o.corsOrigins.length > 0) {
    const allow = cors({ origin: [...o.corsOrigins] });
    app.use('/api/*', allow);
    app.use('/tiles/*', allow);
  }
  const smallBodies = bodyLimit({
    maxSize: 64 * 1024,
    onError: () => {
      throw new AppError('payload_too_large', 'request body too large (64 KiB at most)');
    },
  });
  // PostgreSQL text cannot hold NUL: a NUL in path or query would become a database error (found by API fuzzing).
  app.use('*', async (c, next) => {
    if (/%00|\u0000/i.test(c.req.url)) throw new AppError('bad_request', 'the request contains a NUL character');
    await next();
  });
  // Uploads have their own limit (UPLOAD_MAX_MB) and stream to disk.
  app.use('*', (c, next) => (c.req.method === 'PUT' && c.req.path.startsWith('/api/admin/files/') ? next() : smallBodies(c, next)));
  // Requests that read the database wait while an embedded publication is switched in; admin requests do not read it.
  app.use('/api/*', (c, next) => (isAdmin(c.req.path) ? next() : gate.middleware(c, next)));
  app.use('/tiles/*', gate.middleware);
  // Read-only JSON derived from the publication alone; not health, runs (a failed run changes them
  // without a new data version), exports (large, streamed once) or admin.
  const cached = responseCache({ publication });
  const cacheable = /^\/api\/(levels|indicators|areas|schools|flows|offers|geocode)(\/|$)/;
  app.use('/api/*', (c, next) => (cacheable.test(c.req.path) ? cached(c, next) : next()));
  // Inside the cache, so that it keeps only responses whose content is of the version they name.
  const versions = versionCheck({ publication });
  const pinned = pinnedVersion({ publication });
  for (const use of [versions.middleware, pinned]) {
    app.use('/api/*', (c, next) => (isAdmin(c.req.path) ? next() : use(c, next)));
    app.use('/tiles/*', use);
  }

  app.route('/api/health', healthRoutes({ getDb: o.getDb, publication, basemapStyleUrl: o.basemapStyleUrl ?? null }));
  app.route('/api/levels', levelRoutes({ areas, publication }));
  app.route('/api/indicators', indicatorRoutes({ indicators, areas, publication }));
  app.route('/api/areas', areaRoutes({ areas, indicators, schools, publication }));
  app.route('/api/schools', schoolRoutes({ schools, areas, publication }));
  app.route('/api/flows', flowRoutes({ schools, publication }));
  app.route('/api/offers', offerRoutes({ offers, geocode, publication }));
  app.route('/api/geocode', geocodeRoutes({ geocode, publication }));
  app.route('/api/runs', runRoutes({ runs: runsRepository(o.getDb), publication }));
  app.route('/api/export', exportRoutes({ getDb: o.getDb, publication }));
  app.route('/api/admin', adminRoutes({ token: admin?.token, uploads, runner, uploadMaxBytes: admin?.uploadMaxBytes ?? 0 }));
  const openapi = openApiDocument(API_VERSION);
  app.get('/api/openapi.json', (c) => c.json(openapi));
  app.get('/api/docs', (c) => c.html(docsPage(openapi)));
  app.route(
    '/tiles',
    tileRoutes({ ...tileCatalog({ areas, schools, offers, indicators, attribution, mvt: o.getDb().capabilities.mvt }), publication }),
  );
  app.all('/api/*', () => {
    throw new AppError('not_found', 'no such endpoint');
  });

  const dist = o.webDist === undefined ? WEB_DIST : o.webDist;
  if (dist && fs.existsSync(path.join(dist, 'index.html'))) {
    const root = path.relative(process.cwd(), dist) || '.';
    app.use('/assets/*', async (c, next) => {
      await next();
      // Vite puts a content hash into every asset name.
      if (c.res.status === 200) c.header('Cache-Control', 'public, max-age=31536000, immutable');
    });
    app.use('/*', serveStatic({ root, precompressed: true }));
    app.get('/*', serveStatic({ root, path: 'index.html', precompressed: true }));
  }

  // Typed errors become 4xx/5xx JSON in this one place; stack traces stay in the log.
  app.onError((err, c) => {
    if (err instanceof AppError) {
      if (err.status >= 500) log.error('request failed', { code: err.code, path: c.req.path, message: err.message });
      return c.json({ error: { code: err.code, message: err.message } }, err.status as 400);
    }
    if (err instanceof HTTPException) {
      return c.json({ error: { code: 'bad_request', message: err.message || 'bad request' } }, err.status);
    }
    log.error('unexpected error', { path: c.req.path, error: String(err), stack: (err as Error).stack });
    return c.json({ error: { code: 'internal', message: 'internal error' } }, 500);
  });
  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'not found' } }, 404));
  // app.request() goes through app.fetch as well, so tests see what the server answers.
  app.fetch = versions.wrap(app.fetch);
  return app;
}
