import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Optional test dependencies. Absent → the tests skip with a message saying what
 * is missing; with the REQUIRE_ variable set (CI) → they fail instead.
 */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DATA = path.resolve(ROOT, '../shared/data');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Flags that let Debian's Chromium run headless here and MapLibre render with SwiftShader. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader',
];

export interface Requirement {
  available: boolean;
  /** Why tests skip; empty when available. */
  reason: string;
}

function requirement(available: boolean, env: string, missing: string): Requirement {
  if (!available && process.env[env] === '1') {
    throw new Error(`${env}=1 but ${missing}`);
  }
  if (!available) process.stderr.write(`[skip] ${missing} (set ${env}=1 to make this an error)\n`);
  return { available, reason: available ? '' : missing };
}

export const postgis = () =>
  requirement(!!process.env.TEST_DATABASE_URL, 'REQUIRE_POSTGIS', 'TEST_DATABASE_URL is not set: PostgreSQL tests skipped');
export const browser = () => requirement(fs.existsSync(CHROMIUM), 'REQUIRE_BROWSER', `no Chromium at ${CHROMIUM}: browser tests skipped`);
export const sharedData = () =>
  requirement(fs.existsSync(SHARED_DATA), 'REQUIRE_SHARED_DATA', `no ${SHARED_DATA}: real-data tests skipped`);

/** A size-limited tmpfs for the disk-full tests: needs root and the right to mount. */
export const tmpfs = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-tmpfs-probe-'));
  let ok = false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
    execFileSync('umount', [dir], { stdio: 'ignore' });
    ok = true;
  } catch {
    ok = false;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return requirement(ok, 'REQUIRE_TMPFS', 'cannot mount a tmpfs (needs root): disk-full tests skipped');
};
