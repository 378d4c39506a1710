import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError } from '../core/errors.ts';

/** Parses the query string with a zod schema; a failure is a 400 naming the parameter. */
export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const result = schema.safeParse(c.req.query());
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new AppError('bad_request', `query parameter ${issue.path.join('.') || '(query)'}: ${issue.message}`);
  }
  return result.data;
}
