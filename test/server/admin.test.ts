import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Database } from '../../core/db/index.ts';
import { openDatabase, type DatabaseHandle } from '../../core/db/open.ts';
import { createApp } from '../../server/app.ts';
import { engines } from '../helpers/engines.ts';

const TOKEN = 'test-admin-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };

function tmpDir(prefix: string) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** An app whose admin side works but whose database is never reached. */
function adminApp(o: { token?: string; uploadMaxBytes?: number } = {}) {
  const dataDir = tmpDir('qm-admin-');
  // Only the engine's capabilities are read when the app is built; any query fails the test.
  const refuse = () => {
    throw new Error('admin requests must not read the database');
  };
  const db = { engine: 'pglite', capabilities: { mvt: false }, query: refuse, exec: refuse, kysely: null } as unknown as Database;
  const noDb = () => db;
  const handle = { writeElsewhere: () => Promise.reject(new Error('not started in this test')) };
  const app = createApp({
    getDb: noDb,
    webDist: null,
    admin: { token: o.token, handle, dataDir, uploadMaxBytes: o.uploadMaxBytes ?? 100_000 },
  });
  return { app, dataDir };
}

describe('admin endpoints: authentication and uploads', () => {
  it.each([
    ['GET', '/api/admin/files'],
    ['PUT', '/api/admin/files/x.csv'],
    ['POST', '/api/admin/runs'],
    ['GET', '/api/admin/runs'],
  ])('are disabled without ADMIN_TOKEN: %s %s answers 403', async (method, url) => {
    const { app } = adminApp();
    const res = await app.request(url, { method, headers: auth, body: method === 'GET' ? undefined : '{}' });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: { code: 'forbidden', message: 'admin operations are disabled: the server has no ADMIN_TOKEN' },
    });
  });

  it.each([
    ['no header', {}],
    ['a wrong token', { Authorization: 'Bearer not-the-token-at-all' }],
    ['another scheme', { Authorization: `Basic ${TOKEN}` }],
  ])('answer 401 with a Bearer challenge for %s', async (_, headers) => {
    const { app } = adminApp({ token: TOKEN });
    const res = await app.request('/api/admin/files', { headers });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="quartiersmonitor-admin"');
    expect((await res.json()).error.code).toBe('unauthorized');
  });

  it('store an upload owner-only with its size and hash, list it and delete it', async () => {
    const { app, dataDir } = adminApp({ token: TOKEN });
    const body = 'Schuljahr;Schulnummer\n2024/25;100001\n';
    const put = await app.request('/api/admin/files/out/schueler.csv', { method: 'PUT', headers: auth, body });
    expect(put.status).toBe(201);
    expect(await put.json()).toEqual({
      name: 'out/schueler.csv',
      bytes: Buffer.byteLength(body),
      sha256: crypto.createHash('sha256').update(body).digest('hex'),
    });
    const file = path.join(dataDir, 'uploads', 'out', 'schueler.csv');
    expect(fs.readFileSync(file, 'utf8')).toBe(body);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dataDir, 'uploads')).mode & 0o777).toBe(0o700);

    const list = await app.request('/api/admin/files', { headers: auth });
    expect(list.headers.get('cache-control')).toBe('no-store');
    expect((await list.json()).files).toEqual([{ name: 'out/schueler.csv', bytes: Buffer.byteLength(body), modified: expect.any(String) }]);
    expect((await app.request('/api/admin/files/out/schueler.csv', { method: 'DELETE', headers: auth })).status).toBe(204);
    expect(fs.existsSync(file)).toBe(false);
    expect((await app.request('/api/admin/files/out/schueler.csv', { method: 'DELETE', headers: auth })).status).toBe(404);
  });

  it.each(['..%2Fescape.csv', '.hidden', 'a/../../b.csv', 'a/b/c/d/e.csv', `${'x'.repeat(101)}.csv`, 'semi;colon.csv'])(
    'refuse the upload name %s with 400 and write nothing',
    async (name) => {
      const { app, dataDir } = adminApp({ token: TOKEN });
      const res = await app.request(`/api/admin/files/${name}`, { method: 'PUT', headers: auth, body: 'x' });
      expect([400, 404]).toContain(res.status); // 404: the router itself refuses a path that leaves /api/admin/files/
      expect(
        fs.existsSync(path.join(dataDir, 'uploads')) ? fs.readdirSync(path.join(dataDir, 'uploads'), { recursive: true }) : [],
      ).toEqual([]);
      expect(fs.existsSync(path.join(dataDir, 'escape.csv'))).toBe(false);
    },
  );

  it('refuse an upload over UPLOAD_MAX_MB with 413 and leave no partial file', async () => {
    const { app, dataDir } = adminApp({ token: TOKEN, uploadMaxBytes: 1000 });
    // A stream without Content-Length: the limit is enforced while writing.
    const chunks = [new Uint8Array(600), new Uint8Array(600)];
    const body = new ReadableStream({ pull: (c) => (chunks.length ? c.enqueue(chunks.shift()!) : c.close()) });
    const res = await app.request('/api/admin/files/big.csv', { method: 'PUT', headers: auth, body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('payload_too_large');
    expect(fs.readdirSync(path.join(dataDir, 'uploads'))).toEqual([]);
    const declared = await app.request('/api/admin/files/big.csv', {
      method: 'PUT',
      headers: { ...auth, 'Content-Length': '5000' },
      body: 'x',
    });
    expect(declared.status).toBe(413);
  });

  it('refuse a job that reads a file outside the upload directory', async () => {
    const { app } = adminApp({ token: TOKEN });
    const job = JSON.parse(fs.readFileSync(path.join(inject('smallDemo'), 'job.json'), 'utf8'));
    job.records = [{ file: '../../../etc/passwd' }];
    const put = await app.request('/api/admin/files/job.json', { method: 'PUT', headers: auth, body: JSON.stringify(job) });
    expect(put.status).toBe(201);
    const res = await app.request('/api/admin/runs', { method: 'POST', headers: auth, body: JSON.stringify({ job: 'job.json' }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: 'invalid_job', message: 'the job may only read uploaded files; "passwd" lies outside the upload directory' },
    });
  });

  it.each([
    ['not JSON', 'job.json', 'the body must be JSON: {"job": "<uploaded job file>", "kind": "run" | "offers"}'],
    ['an unknown field', JSON.stringify({ job: 'job.json', force: true }), '(body): Unrecognized key: "force"'],
    ['a job that was not uploaded', JSON.stringify({ job: 'missing.json' }), 'missing.json'],
  ])('answer a run request with %s with a 4xx', async (_, body, message) => {
    const { app } = adminApp({ token: TOKEN });
    const res = await app.request('/api/admin/runs', { method: 'POST', headers: auth, body });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain(message);
  });
});

/** Every file of the small demo, uploaded under the same relative names. */
async function uploadDemo(app: ReturnType<typeof createApp>) {
  const root = inject('smallDemo');
  for (const rel of fs.readdirSync(root, { recursive: true }) as string[]) {
    const file = path.join(root, rel);
    if (!fs.statSync(file).isFile()) continue;
    const res = await app.request(`/api/admin/files/${rel.split(path.sep).join('/')}`, {
      method: 'PUT',
      headers: auth,
      body: fs.readFileSync(file),
    });
    expect(res.status).toBe(201);
  }
}

describe.each(engines().map((e) => [e.name, e] as const))('[%s] a pipeline run through the server', (name, engine) => {
  let handle: DatabaseHandle;
  let app: ReturnType<typeof createApp>;
  let dispose: () => Promise<void>;
  const dataDir = tmpDir('qm-admin-run-');

  beforeAll(async () => {
    if (name === 'pglite') {
      // The live database of a data directory: a copy of the migrated template.
      fs.cpSync(inject('pgliteTemplate'), path.join(dataDir, 'pgdata'), { recursive: true });
      handle = await openDatabase({ databaseUrl: undefined, dataDir });
      dispose = () => handle.close();
    } else {
      const t = await engine.open();
      await t.db.close();
      handle = await openDatabase({ databaseUrl: t.location, dataDir });
      dispose = async () => {
        await handle.close();
        await t.dispose().catch(() => {});
      };
    }
    app = createApp({ getDb: () => handle.db, webDist: null, admin: { token: TOKEN, handle, dataDir, uploadMaxBytes: 2 ** 30 } });
    await uploadDemo(app);
  }, 60_000);
  afterAll(async () => {
    await dispose();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function follow(id: string, whileRunning: () => Promise<void>) {
    for (;;) {
      const { task } = await (await app.request(`/api/admin/runs/${id}`, { headers: auth })).json();
      if (task.state !== 'running') return task;
      await whileRunning();
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('publishes while the server keeps answering, refuses a second run meanwhile, and reports the run', async () => {
    expect((await (await app.request('/api/health')).json()).dataVersion).toBeNull();
    const res = await app.request('/api/admin/runs', { method: 'POST', headers: auth, body: JSON.stringify({ job: 'job.json' }) });
    expect(res.status).toBe(202);
    const { task } = await res.json();
    expect(res.headers.get('location')).toBe(`/api/admin/runs/${task.id}`);
    expect(task).toMatchObject({ kind: 'run', job: 'job.json', state: 'running', dataVersion: null });

    const second = await app.request('/api/admin/runs', { method: 'POST', headers: auth, body: JSON.stringify({ job: 'job.json' }) });
    expect(second.status).toBe(409);
    const statuses = new Set<number>();
    const done = await follow(task.id, async () => {
      statuses.add((await app.request('/api/health')).status);
    });
    expect(statuses).toEqual(new Set([200])); // never an error while the run was on
    expect(done).toMatchObject({
      state: 'published',
      error: null,
      runId: expect.any(String),
      dataVersion: expect.stringMatching(/^[0-9a-f]{12}$/),
    });
    expect(done.progress).toEqual(expect.any(String));

    const health = await (await app.request('/api/health')).json();
    expect(health.dataVersion).toBe(done.dataVersion);
    const runs = await (await app.request('/api/runs')).json();
    expect(runs.runs[0]).toMatchObject({ runId: done.runId, status: 'published' });
    expect((await (await app.request('/api/levels')).json()).levels.map((l: { level: string }) => l.level)).toEqual([
      'Stadtbezirk',
      'Stadtteil',
      'Quartier',
    ]);
    expect(fs.existsSync(path.join(dataDir, 'reports', `${done.runId}.json`))).toBe(true);
  }, 180_000);

  it('keeps the publication when a run fails on bad input, and says where', async () => {
    const before = (await (await app.request('/api/health')).json()).dataVersion;
    expect(before).toEqual(expect.any(String));
    const job = JSON.parse(fs.readFileSync(path.join(inject('smallDemo'), 'job.json'), 'utf8'));
    job.boundaries[0].idProperty = 'no_such_property';
    const put = await app.request('/api/admin/files/broken.json', { method: 'PUT', headers: auth, body: JSON.stringify(job) });
    expect(put.status).toBe(201);
    const res = await app.request('/api/admin/runs', { method: 'POST', headers: auth, body: JSON.stringify({ job: 'broken.json' }) });
    expect(res.status).toBe(202);
    const done = await follow((await res.json()).task.id, async () => {});
    expect(done.state).toBe('failed');
    expect(done.error.code).toBe('invalid_input');
    expect(done.error.message).toContain('stadtbezirke.geojson');
    expect(done.error.message).toContain('no_such_property');
    expect((await (await app.request('/api/health')).json()).dataVersion).toBe(before);
  }, 120_000);
});
