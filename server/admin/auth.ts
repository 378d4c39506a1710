import crypto from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../core/errors.ts';

export interface AdminAuthOptions {
  /** ADMIN_TOKEN; without it every admin request is refused with 403. */
  token: string | undefined;
}

/** Bearer authentication for admin operations, compared in constant time. */
export function adminAuth(o: AdminAuthOptions): MiddlewareHandler {
  const expected = o.token ? crypto.createHash('sha256').update(o.token).digest() : null;
  return async function adminAuthMiddleware(c, next) {
    if (!expected) throw new AppError('forbidden', 'admin operations are disabled: the server has no ADMIN_TOKEN');
    const given = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('Authorization') ?? '')?.[1];
    // Hashing both sides gives equal lengths for timingSafeEqual and hides the token's length.
    const ok = given !== undefined && crypto.timingSafeEqual(crypto.createHash('sha256').update(given).digest(), expected);
    if (!ok) {
      c.header('WWW-Authenticate', 'Bearer realm="quartiersmonitor-admin"');
      throw new AppError('unauthorized', 'a valid admin bearer token is required');
    }
    await next();
  };
}
