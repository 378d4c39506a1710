import { fork } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatabaseHandle, Pause, WriteTarget } from '../../core/db/open.ts';
import { AppError } from '../../core/errors.ts';
import { log } from '../../core/log.ts';
import { jobFiles, loadJob } from '../../pipeline/job.ts';
import type { WorkerRequest, WorkerResult } from '../../pipeline/worker.ts';
import type { UploadStore } from './uploads.ts';

const WORKER = fileURLToPath(new URL('../../pipeline/worker.ts', import.meta.url));

/** A pipeline run started through the server: what an admin client polls. */
export interface Task {
  id: string;
  kind: 'run' | 'offers';
  job: string;
  state: 'running' | 'published' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  /** The last progress line of the run (stage names and counts, never an address). */
  progress: string | null;
  runId: string | null;
  dataVersion: string | null;
  summary: string | null;
  error: { code: string; message: string } | null;
}

export interface RunnerOptions {
  handle: Pick<DatabaseHandle, 'writeElsewhere'>;
  pause: Pause;
  uploads: UploadStore;
  reportDir: string;
  /** Called after a publication was switched in (forget cached state, warm up). */
  onPublished: () => Promise<void>;
  keepTasks?: number; // 20
}

class WorkerFailed extends Error {
  constructor(readonly error: { code: string; message: string }) {
    super(error.message);
  }
}

/** Runs the worker process and resolves with its result; progress lines go to `onProgress`. */
function runWorker(request: WorkerRequest, onProgress: (line: string) => void): Promise<Extract<WorkerResult, { ok: true }>> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let result: WorkerResult | null = null;
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      const lines = text.split(/[\r\n]+/).filter((l) => l.trim() !== '');
      if (lines.length > 0) onProgress(lines.at(-1)!.trim());
    });
    child.on('message', (m: WorkerResult) => (result = m));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result?.ok) resolve(result);
      else
        reject(
          new WorkerFailed(result?.error ?? { code: 'internal', message: `the pipeline worker ended (${signal ?? `exit code ${code}`})` }),
        );
    });
    child.send(request);
  });
}

/**
 * Starts pipeline runs through the server, one at a time: the job and its inputs
 * come from the upload directory and may not name any file outside it.
 */
export function pipelineRunner(o: RunnerOptions) {
  const tasks: Task[] = [];
  let running: Task | null = null;

  function checkJob(name: string): string {
    const file = o.uploads.resolve(name);
    const job = loadJob(file);
    for (const input of jobFiles(job)) {
      const rel = path.relative(o.uploads.dir, input);
      if (rel.startsWith('..') || path.isAbsolute(rel)) {
        throw new AppError(
          'invalid_job',
          `the job may only read uploaded files; "${path.basename(input)}" lies outside the upload directory`,
        );
      }
    }
    return file;
  }

  function start(kind: Task['kind'], jobName: string): Task {
    if (running) throw new AppError('conflict', `a pipeline run is in progress (task ${running.id})`);
    const jobFile = checkJob(jobName);
    const task: Task = {
      id: crypto.randomUUID(),
      kind,
      job: jobName,
      state: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      progress: null,
      runId: null,
      dataVersion: null,
      summary: null,
      error: null,
    };
    running = task;
    tasks.unshift(task);
    tasks.splice(o.keepTasks ?? 20);
    log.info('admin run started', { task: task.id, kind, job: jobName });

    const work = (target: WriteTarget) => runWorker({ kind, jobFile, target, reportDir: o.reportDir }, (line) => (task.progress = line));
    void o.handle
      .writeElsewhere(work, o.pause)
      .then(async (r) => {
        // Published only once the API serves it: a client polling the task can rely on that.
        await o.onPublished();
        Object.assign(task, { state: 'published', runId: r.runId, dataVersion: r.dataVersion, summary: r.summary });
      })
      .catch((err: unknown) => {
        task.state = 'failed';
        task.error =
          err instanceof WorkerFailed ? err.error : { code: 'internal', message: 'the run could not be switched in; see the server log' };
        if (!(err instanceof WorkerFailed)) log.error('admin run failed', { task: task.id, error: String(err) });
      })
      .finally(() => {
        task.finishedAt = new Date().toISOString();
        running = null;
        log.info('admin run ended', { task: task.id, state: task.state, dataVersion: task.dataVersion });
      });
    return task;
  }

  return {
    start,
    list: (): readonly Task[] => tasks,
    get(id: string): Task {
      const t = tasks.find((x) => x.id === id);
      if (!t) throw new AppError('not_found', `no task ${id}`);
      return t;
    },
  };
}

export type PipelineRunner = ReturnType<typeof pipelineRunner>;
