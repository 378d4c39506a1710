import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { WEB_DIST } from './app.ts';

const WEB_SRC = path.dirname(WEB_DIST);

/** Hash of the web sources; the build is redone only when they change. */
function sourceHash(): string {
  const hash = crypto.createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (p !== WEB_DIST) walk(p);
      } else {
        hash.update(path.relative(WEB_SRC, p)).update(fs.readFileSync(p));
      }
    }
  };
  walk(WEB_SRC);
  return hash.digest('hex').slice(0, 16);
}

/** Builds the web app with Vite when web/dist is missing or stale. */
export async function ensureWebBuild(out: NodeJS.WriteStream = process.stdout): Promise<void> {
  const stamp = path.join(WEB_DIST, '.source-hash');
  const hash = sourceHash();
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) return;
  out.write('Building the web app (once after install or a change) …\n');
  const started = Date.now();
  const { build } = await import('vite');
  await build({ configFile: path.join(WEB_SRC, 'vite.config.ts'), logLevel: 'warn' });
  fs.writeFileSync(stamp, hash);
  out.write(`Web app built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
