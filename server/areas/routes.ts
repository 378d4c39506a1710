import { Hono } from 'hono';
import { AppError } from '../../core/errors.ts';
import type { IndicatorsRepository } from '../indicators/repository.ts';
import type { PublicationState } from '../publication.ts';
import { pickSchuljahr, requirePublication, versionHeaders } from '../respond.ts';
import { SchuljahrQuery, ValuesQuery } from '../schemas.ts';
import type { SchoolsRepository } from '../schools/repository.ts';
import { parseQuery } from '../validate.ts';
import { toAreaSchools, toProfile } from './mapper.ts';
import type { AreasRepository } from './repository.ts';

interface Deps {
  areas: AreasRepository;
  indicators: IndicatorsRepository;
  schools: SchoolsRepository;
  publication: PublicationState;
}

export function levelRoutes(deps: Pick<Deps, 'areas' | 'publication'>) {
  const app = new Hono();
  app.get('/', async (c) => {
    const pub = await deps.publication.current();
    const levels = await deps.areas.levels();
    versionHeaders(c, pub?.dataVersion ?? null);
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

  app.get('/:level/areas', async (c) => {
    const q = parseQuery(c, ValuesQuery.pick({ v: true }));
    const pub = await requirePublication(deps.publication);
    const level = c.req.param('level');
    const rows = await deps.areas.labelled(level);
    // Every published level has areas: none means no such level.
    if (rows.length === 0) throw new AppError('not_found', `no level "${level}"`);
    versionHeaders(c, pub.dataVersion, q.v);
    return c.json({
      dataVersion: pub.dataVersion,
      level,
      areas: rows.map((r) => ({ areaId: r.area_id, fid: Number(r.fid), name: r.name, parentId: r.parent_id, lon: r.lon, lat: r.lat })),
    });
  });
  return app;
}

/** `/api/areas/{level}/{id}`: the profile ("Steckbrief"), and where the area's pupils go to school. */
export function areaRoutes(deps: Deps) {
  const app = new Hono();

  const requireArea = async (level: string, id: string) => {
    const area = await deps.areas.area(level, id);
    if (!area) throw new AppError('not_found', `no area "${id}" on level "${level}"`);
    return area;
  };

  app.get('/:level/:id', async (c) => {
    const q = parseQuery(c, ValuesQuery.pick({ v: true }));
    const pub = await requirePublication(deps.publication);
    const area = await requireArea(c.req.param('level'), c.req.param('id'));
    const parents = (typeof area.parents === 'string' ? JSON.parse(area.parents) : area.parents) as Record<string, string>;
    const levels = await deps.areas.levels();
    const parentKeys = levels.filter((l) => parents[l.level] !== undefined).map((l) => ({ level: l.level, areaId: parents[l.level]! }));
    const parentLevel = levels.find((l) => l.level === area.level)?.parent_level ?? null;
    const [values, parentValues, city, indicators, schuljahre, names] = await Promise.all([
      deps.areas.profileValues(area.level, area.area_id),
      parentLevel && parents[parentLevel] ? deps.areas.plainValues(parentLevel, parents[parentLevel]) : Promise.resolve(null),
      deps.areas.cityValues(),
      deps.indicators.list(),
      deps.indicators.schuljahre(),
      deps.areas.names(parentKeys),
    ]);
    versionHeaders(c, pub.dataVersion, q.v);
    return c.json(toProfile({ dataVersion: pub.dataVersion, area, parentKeys, names, values, parentValues, city, indicators, schuljahre }));
  });

  app.get('/:level/:id/schools', async (c) => {
    const q = parseQuery(c, SchuljahrQuery);
    const pub = await requirePublication(deps.publication);
    const area = await requireArea(c.req.param('level'), c.req.param('id'));
    const schuljahr = pickSchuljahr(q.schuljahr, await deps.schools.flowSchuljahre());
    const [rows, total] = await Promise.all([
      deps.areas.schoolsOf(area.level, area.area_id, schuljahr),
      deps.areas.plainValues(area.level, area.area_id),
    ]);
    const pupils = total.find((v) => v.indicator_id === 'schueler_insgesamt' && v.schuljahr === schuljahr);
    versionHeaders(c, pub.dataVersion, q.v);
    return c.json(toAreaSchools({ dataVersion: pub.dataVersion, area, schuljahr, rows, pupils }));
  });
  return app;
}
