import { Hono } from 'hono';
import type { PublicationState } from '../publication.ts';
import type { AreasRepository } from './repository.ts';

export function levelRoutes(deps: { areas: AreasRepository; publication: PublicationState }) {
  const app = new Hono();
  app.get('/', async (c) => {
    const pub = await deps.publication.current();
    const levels = await deps.areas.levels();
    return c.json({
      dataVersion: pub?.dataVersion ?? null,
      levels: levels.map((l) => ({
        level: l.level,
        title: l.title,
        ordinal: l.ordinal,
        parentLevel: l.parent_level,
        areaCount: Number(l.area_count),
      })),
    });
  });
  return app;
}
