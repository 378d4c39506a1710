import { Hono } from 'hono';
import { AppError } from '../../core/errors.ts';
import * as S from '../schemas.ts';
import { adminAuth } from './auth.ts';
import type { PipelineRunner } from './runner.ts';
import type { UploadStore } from './uploads.ts';

/**
 * Admin operations: upload input files, start a pipeline run, follow it. All need
 * the bearer token; without ADMIN_TOKEN they answer 403. Nothing here reads staging:
 * files go to the upload directory and runs to a worker process.
 */
export interface AdminRoutesOptions {
  token: string | undefined;
  /** Null when admin operations are disabled (no token). */
  uploads: UploadStore | null;
  runner: PipelineRunner | null;
  uploadMaxBytes: number;
}

export function adminRoutes(o: AdminRoutesOptions) {
  const app = new Hono();
  app.use('*', adminAuth({ token: o.token }));
  app.use('*', async function noStore(c, next) {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  const uploads = () => o.uploads!;
  const runner = () => o.runner!;

  app.get('/files', (c) => c.json(S.UploadList.parse({ files: uploads().list() })));

  app.put('/files/:name{.+}', async (c) => {
    const declared = Number(c.req.header('Content-Length') ?? NaN);
    if (declared > o.uploadMaxBytes)
      throw new AppError('payload_too_large', `the file is larger than the limit of ${o.uploadMaxBytes} bytes`);
    const stored = await uploads().put(c.req.param('name'), c.req.raw.body, o.uploadMaxBytes);
    return c.json(S.UploadedFile.parse(stored), 201);
  });

  app.delete('/files/:name{.+}', (c) => {
    uploads().remove(c.req.param('name'));
    return c.body(null, 204);
  });

  app.post('/runs', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new AppError('bad_request', 'the body must be JSON: {"job": "<uploaded job file>", "kind": "run" | "offers"}');
    }
    const parsed = S.StartRunBody.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AppError('bad_request', `${issue.path.join('.') || '(body)'}: ${issue.message}`);
    }
    const task = runner().start(parsed.data.kind, parsed.data.job);
    c.header('Location', `/api/admin/runs/${task.id}`);
    return c.json({ task: S.AdminTask.parse(task) }, 202);
  });

  app.get('/runs', (c) =>
    c.json({
      tasks: runner()
        .list()
        .map((t) => S.AdminTask.parse(t)),
    }),
  );
  app.get('/runs/:id', (c) => c.json({ task: S.AdminTask.parse(runner().get(c.req.param('id'))) }));
  return app;
}
