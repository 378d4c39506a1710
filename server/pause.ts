import type { MiddlewareHandler } from 'hono';

/**
 * Holds requests back while the embedded database is closed for a moment (to copy
 * it before a run, and to switch the new publication in after). Requests that
 * arrive meanwhile wait instead of failing; `pause` waits for the ones in flight.
 */
export function createPauseGate() {
  let inFlight = 0;
  let paused: Promise<void> | null = null;
  let drained: (() => void) | null = null;

  const middleware: MiddlewareHandler = async function pauseGate(_c, next) {
    while (paused) await paused;
    inFlight++;
    try {
      await next();
    } finally {
      inFlight--;
      if (inFlight === 0) drained?.();
    }
  };

  async function pause<T>(fn: () => Promise<T>): Promise<T> {
    while (paused) await paused;
    let release!: () => void;
    paused = new Promise((r) => (release = r));
    try {
      if (inFlight > 0) await new Promise<void>((r) => (drained = r));
      return await fn();
    } finally {
      drained = null;
      paused = null;
      release();
    }
  }

  return { middleware, pause };
}
