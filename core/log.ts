/**
 * Structured logging: one JSON object per line on stderr. Callers pass counts,
 * codes and timings, never addresses or other personal data: the logger has no
 * way to tell, so the rule is enforced by what the call sites log (and by the
 * privacy tests that scan the output).
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(options: { level?: Level; write?: (line: string) => void } = {}): Logger {
  const min = ORDER[options.level ?? (process.env.LOG_LEVEL as Level | undefined) ?? 'info'] ?? ORDER.info;
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const emit = (level: Level) => (msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const log = createLogger();

/**
 * Progress for long steps, for people at a terminal: a single line on stdout
 * that rewrites itself on a TTY and prints at most every 10 % otherwise.
 */
export function progress(label: string, total: number, out: NodeJS.WriteStream = process.stdout, unit = '') {
  let lastPct = -1;
  const started = Date.now();
  return {
    tick(done: number) {
      const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
      if (out.isTTY ? pct === lastPct : Math.floor(pct / 10) === Math.floor(lastPct / 10)) return;
      lastPct = pct;
      const line = `${label}: ${pct}% (${done}/${total}${unit ? ` ${unit}` : ''})`;
      if (out.isTTY) out.write(`\r${line}`);
      else out.write(line + '\n');
    },
    done(detail = '') {
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      const line = `${label}: done in ${secs} s${detail ? ` — ${detail}` : ''}`;
      out.write(out.isTTY ? `\r${line}\n` : line + '\n');
    },
  };
}

/** A step without a known total: prints what starts and how long it took. */
export async function step<T>(label: string, fn: () => Promise<T>, out: NodeJS.WriteStream = process.stdout): Promise<T> {
  const started = Date.now();
  out.write(`${label} …\n`);
  const result = await fn();
  out.write(`${label}: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return result;
}
