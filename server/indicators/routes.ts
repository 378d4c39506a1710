import { Hono } from 'hono';
import { AppError } from '../../core/errors.ts';
import type { AreasRepository } from '../areas/repository.ts';
import type { PublicationState } from '../publication.ts';
import { pickLevel, pickSchuljahr, requirePublication, versionHeaders } from '../respond.ts';
import { ValuesQuery } from '../schemas.ts';
import { parseQuery } from '../validate.ts';
import { toStats, toValues } from './mapper.ts';
import type { IndicatorsRepository } from './repository.ts';

export function indicatorRoutes(deps: { indicators: IndicatorsRepository; areas: AreasRepository; publication: PublicationState }) {
  const app = new Hono();

  app.get('/', async (c) => {
    const pub = await deps.publication.current();
    const [list, schuljahre] = await Promise.all([deps.indicators.list(), deps.indicators.schuljahre()]);
    versionHeaders(c, pub?.dataVersion ?? null);
    return c.json({ dataVersion: pub?.dataVersion ?? null, schuljahre, indicators: list });
  });

  app.get('/:id/values', async (c) => {
    const q = parseQuery(c, ValuesQuery);
    const pub = await requirePublication(deps.publication);
    const id = c.req.param('id');
    const indicator = await deps.indicators.get(id);
    if (!indicator) throw new AppError('not_found', `unknown indicator "${id}"`);
    const level = pickLevel(q.level, await deps.areas.levels());
    const schuljahr = pickSchuljahr(q.schuljahr, await deps.indicators.schuljahre());
    const [rows, city] = await Promise.all([deps.indicators.values(id, level, schuljahr), deps.indicators.cityValue(id, schuljahr)]);
    versionHeaders(c, pub.dataVersion, q.v);
    return c.json({
      dataVersion: pub.dataVersion,
      indicator: { id: indicator.id, title: indicator.title, unit: indicator.unit, kind: indicator.kind, polarity: indicator.polarity },
      level,
      schuljahr,
      disclosure: pub.disclosure,
      city: city
        ? { value: city.value, numerator: city.numerator, denominator: city.denominator, suppressed: city.suppressed, reason: city.reason }
        : null,
      values: toValues(rows),
      stats: toStats(rows),
    });
  });
  return app;
}
