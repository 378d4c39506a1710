import fs from 'node:fs';
import http from 'node:http';
import { openDatabase } from '../core/db/open.ts';
import { createApp, warmUp } from '../server/app.ts';
import { createHttpServer } from '../server/http.ts';
import { createPublicationState } from '../server/publication.ts';

/**
 * The server side of the throughput benchmarks, run as its own process (pinned to
 * one core by the caller):
 *   app  <dataDir> <port>             the Quartiersmonitor server on a published database
 *                                     (admin runs with BENCH_ADMIN_TOKEN)
 *   bare <fixture.json> <port>        a bare node:http server answering each path with the
 *                                     recorded status, headers and bytes from memory
 * Prints "ready" when listening.
 */
const [mode, source, port] = process.argv.slice(2) as [string, string, string];

if (mode === 'app') {
  const handle = await openDatabase({ databaseUrl: process.env.BENCH_DATABASE_URL, dataDir: source });
  // BENCH_ADMIN_TOKEN: admin runs on (bench:versions publishes through them while serving).
  const token = process.env.BENCH_ADMIN_TOKEN;
  const admin = token ? { token, handle, dataDir: source, uploadMaxBytes: 2 ** 30 } : undefined;
  const publication = createPublicationState(() => handle.db);
  const app = createApp({ getDb: () => handle.db, webDist: null, admin, publication });
  await warmUp(app);
  // SIGUSR2: collect garbage, then report memory (the soak reads it before and after).
  process.on('SIGUSR2', () => {
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    process.stdout.write(`memory ${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, external: m.external })}\n`);
  });
  createHttpServer(app.fetch, { publication }).listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
} else {
  type Recorded = { status: number; headers: Record<string, string>; body: string };
  const recorded = new Map(
    Object.entries(JSON.parse(fs.readFileSync(source, 'utf8')) as Record<string, Recorded>).map(([path, r]) => [
      path,
      // Flat header arrays and a content length: the cheapest way node:http can answer.
      {
        status: r.status,
        headers: [...Object.entries(r.headers).flat(), 'content-length', String(Buffer.from(r.body, 'base64').length)],
        bytes: Buffer.from(r.body, 'base64'),
      },
    ]),
  );
  http
    .createServer((req, res) => {
      const r = recorded.get(req.url ?? '');
      if (!r) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(r.status, r.headers);
      res.end(r.bytes);
    })
    .listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
}
