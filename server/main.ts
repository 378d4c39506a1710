import path from 'node:path';
import { loadConfig } from '../core/config.ts';
import { openDatabase } from '../core/db/open.ts';
import { AppError } from '../core/errors.ts';
import { log } from '../core/log.ts';
import { ensureDemoInputs } from '../fixtures/demo.ts';
import { loadJob } from '../pipeline/job.ts';
import { runJob, summarise } from '../pipeline/run.ts';
import { createApp, warmUp } from './app.ts';
import { createHttpServer } from './http.ts';
import { createPublicationState } from './publication.ts';
import { ensureWebBuild } from './web-build.ts';

/**
 * `npm start`: builds the web app if needed, opens (or creates) the database,
 * loads the Musterstadt demo when nothing is published yet, then serves web app,
 * API and tiles.
 */
async function main() {
  const config = loadConfig();
  await ensureWebBuild();
  const handle = await openDatabase(config);
  const publication = createPublicationState(() => handle.db);

  if (config.demo && !(await publication.current())) {
    process.stdout.write('No publication yet: loading the Musterstadt demo city …\n');
    const job = loadJob(ensureDemoInputs(config.dataDir));
    const report = await handle.write((db) => runJob(db, job, { reportDir: path.join(config.dataDir, 'reports') }));
    publication.invalidate();
    process.stdout.write(summarise(report) + '\n');
  }

  const app = createApp({
    getDb: () => handle.db,
    publication,
    corsOrigins: config.corsOrigins,
    basemapStyleUrl: config.basemapStyleUrl ?? null,
    embedOrigins: config.embedOrigins,
    admin: { token: config.adminToken, handle, dataDir: config.dataDir, uploadMaxBytes: config.uploadMaxBytes },
  });
  await warmUp(app);
  const server = createHttpServer(app.fetch, { publication }).listen(config.port, config.host, () => {
    const port = (server.address() as { port: number }).port;
    void publication.current().then((p) => {
      log.info('listening', { port, engine: handle.db.engine, dataVersion: p?.dataVersion ?? null });
      process.stdout.write(`\nQuartiersmonitor läuft: http://localhost:${port}\n`);
    });
  });

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info('shutting down', { signal });
    server.close();
    void handle.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  if (err instanceof AppError) {
    process.stderr.write(`Error: ${err.message}\n`);
    process.exit(err.code === 'database_locked' ? 75 : 1);
  }
  process.stderr.write(`Unexpected error: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
