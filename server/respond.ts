import type { Context } from 'hono';
import { AppError } from '../core/errors.ts';
import type { Publication, PublicationState } from './publication.ts';

/** The current publication, or 404 when nothing has been published yet. */
export async function requirePublication(state: PublicationState): Promise<Publication> {
  const pub = await state.current();
  if (!pub) throw new AppError('not_found', 'nothing has been published yet');
  return pub;
}

/**
 * Headers of a JSON response read from one publication: the data version, and
 * caching that follows the tile rules — a URL pinned to the current version
 * (`?v=`) is immutable, anything else must be revalidated.
 */
export function versionHeaders(c: Context, dataVersion: string | null, pinned?: string) {
  if (dataVersion) c.header('X-Data-Version', dataVersion);
  c.header('Cache-Control', dataVersion && pinned === dataVersion ? 'public, max-age=31536000, immutable' : 'no-cache');
}

/** The requested Schuljahr, or the latest one; 404 when it has no data. */
export function pickSchuljahr(requested: string | undefined, available: readonly string[]): string {
  const schuljahr = requested ?? available[available.length - 1];
  if (!schuljahr || !available.includes(schuljahr)) {
    throw new AppError('not_found', `no data for Schuljahr ${requested ?? '(latest)'}; available: ${available.join(', ') || 'none'}`);
  }
  return schuljahr;
}

/** The requested level, or the finest one; 400 for an unknown level. */
export function pickLevel(requested: string | undefined, levels: readonly { level: string }[]): string {
  const level = requested ?? levels[levels.length - 1]?.level;
  if (!level || !levels.some((l) => l.level === level)) {
    throw new AppError('bad_request', `unknown level "${requested}"; levels are ${levels.map((l) => l.level).join(', ')}`);
  }
  return level;
}
