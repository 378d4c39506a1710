import { Hono } from 'hono';
import { AppError } from '../../core/errors.ts';
import type { AreasRepository } from '../areas/repository.ts';
import { shareOf } from '../areas/mapper.ts';
import type { PublicationState } from '../publication.ts';
import { pickLevel, pickSchuljahr, requirePublication, versionHeaders } from '../respond.ts';
import { CatchmentQuery, FlowsQuery, SchoolsQuery } from '../schemas.ts';
import { parseQuery } from '../validate.ts';
import type { SchoolsRepository } from './repository.ts';

interface Deps {
  schools: SchoolsRepository;
  areas: AreasRepository;
  publication: PublicationState;
}

type SchoolRow = NonNullable<Awaited<ReturnType<SchoolsRepository['get']>>>;
const toSchool = (s: SchoolRow) => ({
  schulnummer: s.schulnummer,
  name: s.name,
  schulform: s.schulform,
  schulformName: s.schulform_name,
  sozialindex: s.sozialindex,
  startchancen: s.startchancen,
  lon: Number(s.lon),
  lat: Number(s.lat),
});

/** `/api/schools`: the directory, and each school's Einzugsbereich. */
export function schoolRoutes(deps: Deps) {
  const app = new Hono();

  app.get('/', async (c) => {
    const q = parseQuery(c, SchoolsQuery);
    const pub = await requirePublication(deps.publication);
    const rows = await deps.schools.list(q.schulform);
    versionHeaders(c, pub.dataVersion, q.v);
    return c.json({ dataVersion: pub.dataVersion, schools: rows.map(toSchool) });
  });

  app.get('/:schulnummer/catchment', async (c) => {
    const q = parseQuery(c, CatchmentQuery);
    const pub = await requirePublication(deps.publication);
    const school = await deps.schools.get(c.req.param('schulnummer'));
    if (!school) throw new AppError('not_found', `no school "${c.req.param('schulnummer')}"`);
    const schuljahr = pickSchuljahr(q.schuljahr, await deps.schools.flowSchuljahre());
    const level = pickLevel(q.level, await deps.areas.levels());
    const [total, rows] = await Promise.all([
      deps.schools.total(school.schulnummer, schuljahr),
      deps.schools.catchment(school.schulnummer, level, schuljahr),
    ]);
    const count = total ? total.count : 0;
    versionHeaders(c, pub.dataVersion, q.v);
    return c.json({
      dataVersion: pub.dataVersion,
      school: { schulnummer: school.schulnummer, name: school.name, schulform: school.schulform, schulformName: school.schulform_name },
      schuljahr,
      level,
      total: { count, suppressed: total?.suppressed ?? false, reason: total?.reason ?? null },
      areas: rows.map((r) => ({
        areaId: r.area_id,
        fid: Number(r.fid),
        name: r.name,
        count: r.count,
        share: shareOf(r.count, count),
        suppressed: r.suppressed,
        reason: r.reason,
      })),
    });
  });
  return app;
}

/** `/api/flows/gemeinden`: Einpendler by municipality of residence (or Land, abroad). */
export function flowRoutes(deps: Omit<Deps, 'areas'>) {
  const app = new Hono();
  app.get('/gemeinden', async (c) => {
    const q = parseQuery(c, FlowsQuery);
    const pub = await requirePublication(deps.publication);
    const schuljahr = pickSchuljahr(q.schuljahr, await deps.schools.flowSchuljahre());
    if (q.schulnummer && !(await deps.schools.get(q.schulnummer))) throw new AppError('not_found', `no school "${q.schulnummer}"`);
    const rows = await deps.schools.inflows(schuljahr, q.schulnummer ?? '');
    versionHeaders(c, pub.dataVersion, q.v);
    return c.json({
      dataVersion: pub.dataVersion,
      schuljahr,
      schulnummer: q.schulnummer ?? null,
      origins: rows.map((r) => ({
        originId: r.origin_id,
        kind: r.kind,
        name: r.name,
        count: r.count,
        suppressed: r.suppressed,
        reason: r.reason,
      })),
    });
  });
  return app;
}
