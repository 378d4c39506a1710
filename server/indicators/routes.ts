import { Hono } from 'hono';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import type { AreasRepository } from '../areas/repository.ts';
import type { PublicationState } from '../publication.ts';
import { parseQuery } from '../validate.ts';
import { toStats, toValues } from './mapper.ts';
import type { IndicatorsRepository } from './repository.ts';

const ValuesQuery = z.strictObject({
  level: z.string().max(64).optional(),
  schuljahr: z
    .string()
    .regex(/^\d{4}\/\d{2}$/, 'expected a Schuljahr like 2024/25')
    .optional(),
  v: z.string().max(64).optional(),
});

export function indicatorRoutes(deps: { indicators: IndicatorsRepository; areas: AreasRepository; publication: PublicationState }) {
  const app = new Hono();

  app.get('/', async (c) => {
    const pub = await deps.publication.current();
    const [list, schuljahre] = await Promise.all([deps.indicators.list(), deps.indicators.schuljahre()]);
    return c.json({ dataVersion: pub?.dataVersion ?? null, schuljahre, indicators: list });
  });

  app.get('/:id/values', async (c) => {
    const q = parseQuery(c, ValuesQuery);
    const pub = await deps.publication.current();
    if (!pub) throw new AppError('not_found', 'nothing has been published yet');
    const id = c.req.param('id');
    const indicator = await deps.indicators.get(id);
    if (!indicator) throw new AppError('not_found', `unknown indicator "${id}"`);
    const levels = await deps.areas.levels();
    const level = q.level ?? levels[levels.length - 1]?.level;
    if (!level || !levels.some((l) => l.level === level)) {
      throw new AppError('bad_request', `unknown level "${q.level}"; levels are ${levels.map((l) => l.level).join(', ')}`);
    }
    const schuljahre = await deps.indicators.schuljahre();
    const schuljahr = q.schuljahr ?? schuljahre[schuljahre.length - 1];
    if (!schuljahr || !schuljahre.includes(schuljahr)) {
      throw new AppError('not_found', `no values for Schuljahr ${q.schuljahr}; available: ${schuljahre.join(', ')}`);
    }
    const rows = await deps.indicators.values(id, level, schuljahr);
    c.header('X-Data-Version', pub.dataVersion);
    c.header('Cache-Control', q.v === pub.dataVersion ? 'public, max-age=31536000, immutable' : 'no-cache');
    return c.json({
      dataVersion: pub.dataVersion,
      indicator: { id: indicator.id, title: indicator.title, unit: indicator.unit, kind: indicator.kind, polarity: indicator.polarity },
      level,
      schuljahr,
      disclosure: pub.disclosure,
      values: toValues(rows),
      stats: toStats(rows),
    });
  });
  return app;
}
