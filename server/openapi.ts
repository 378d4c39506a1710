import { z } from 'zod';
import * as S from './schemas.ts';

/**
 * OpenAPI 3.1 for the JSON API, generated from the zod schemas in ./schemas.ts —
 * the same ones the routes validate with and the web app takes its types from.
 */
interface Operation {
  path: string;
  summary: string;
  params?: string[];
  query?: z.ZodObject;
  response: z.ZodType | { contentTypes: string[] };
}

const OPERATIONS: Operation[] = [
  {
    path: '/api/health',
    summary: 'Status, engine, schema and data version',
    response: z.object({ status: z.string(), dataVersion: z.string().nullable() }),
  },
  { path: '/api/levels', summary: 'Boundary levels, coarse to fine', response: S.LevelList },
  { path: '/api/indicators', summary: 'The indicator registry with all metadata', response: S.IndicatorList },
  {
    path: '/api/indicators/{id}/values',
    summary: "Every area's value, counts, suppression and rank, plus map statistics",
    params: ['id'],
    query: S.ValuesQuery,
    response: S.IndicatorValues,
  },
  {
    path: '/api/areas/{level}/{id}',
    summary: 'Area profile: every indicator against parent area and city, over time',
    params: ['level', 'id'],
    query: S.ValuesQuery.pick({ v: true }),
    response: S.AreaProfile,
  },
  {
    path: '/api/areas/{level}/{id}/schools',
    summary: "Where the area's pupils go to school",
    params: ['level', 'id'],
    query: S.SchuljahrQuery,
    response: S.AreaSchools,
  },
  { path: '/api/schools', summary: 'Schools with Schulform and Sozialindex', query: S.SchoolsQuery, response: S.SchoolList },
  {
    path: '/api/schools/{schulnummer}/catchment',
    summary: "A school's Einzugsbereich: its pupils per residence area",
    params: ['schulnummer'],
    query: S.CatchmentQuery,
    response: S.Catchment,
  },
  { path: '/api/flows/gemeinden', summary: 'Einpendler by municipality of residence', query: S.FlowsQuery, response: S.GemeindeFlows },
  {
    path: '/api/offers',
    summary: 'Counselling offers near a point or an address, nearest first',
    query: S.OffersQuery,
    response: S.OfferList,
  },
  {
    path: '/api/geocode',
    summary: 'Address autocomplete from the official house coordinates',
    query: S.GeocodeQuery,
    response: S.GeocodeList,
  },
  { path: '/api/runs', summary: 'The latest pipeline runs, without personal data or small counts', response: S.RunList },
  {
    path: '/api/export/{level}.{format}',
    summary: 'Values of a level as CSV (German Excel), XLSX with a metadata sheet, or GeoJSON',
    params: ['level', 'format'],
    query: S.ExportQuery,
    response: { contentTypes: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/geo+json'] },
  },
];

const json = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });

export function openApiDocument(version: string) {
  const paths: Record<string, unknown> = {};
  for (const op of OPERATIONS) {
    const parameters = [
      ...(op.params ?? []).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...Object.entries(op.query?.shape ?? {}).map(([name, schema]) => {
        const s = json(schema as z.ZodType, 'input') as { description?: string };
        return {
          name,
          in: 'query',
          required: !(schema as z.ZodType).safeParse(undefined).success,
          schema: s,
          ...(s.description ? { description: s.description } : {}),
        };
      }),
    ];
    const ok =
      'contentTypes' in op.response
        ? { description: 'OK', content: Object.fromEntries(op.response.contentTypes.map((t) => [t, {}])) }
        : { description: 'OK', content: { 'application/json': { schema: json(op.response, 'output') } } };
    const error = { description: 'Error', content: { 'application/json': { schema: json(S.ErrorBody, 'output') } } };
    paths[op.path] = { get: { summary: op.summary, parameters, responses: { 200: ok, 400: error, 404: error } } };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Quartiersmonitor API',
      version,
      description:
        'Published, disclosure-controlled aggregates only. Every JSON response names the data version it was read from; `?v=<dataVersion>` makes a URL immutable.',
    },
    paths,
  };
}

/** A readable page listing the operations; self-contained (no CDN, CSP-safe). */
export function docsPage(doc: ReturnType<typeof openApiDocument>): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const ops = Object.entries(
    doc.paths as Record<
      string,
      { get: { summary: string; parameters: { name: string; in: string; required: boolean; description?: string }[] } }
    >,
  )
    .map(
      ([p, { get }]) =>
        `<section><h2><code>GET ${esc(p)}</code></h2><p>${esc(get.summary)}</p>${
          get.parameters.length
            ? `<table><thead><tr><th>Parameter</th><th>in</th><th>Pflicht</th><th>Beschreibung</th></tr></thead><tbody>${get.parameters
                .map(
                  (x) =>
                    `<tr><td><code>${esc(x.name)}</code></td><td>${x.in}</td><td>${x.required ? 'ja' : 'nein'}</td><td>${esc(x.description ?? '')}</td></tr>`,
                )
                .join('')}</tbody></table>`
            : ''
        }</section>`,
    )
    .join('\n');
  return `<!doctype html><html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Quartiersmonitor API</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2rem .5rem;text-align:left}code{background:#f3f3f3}</style></head>
<body><h1>Quartiersmonitor API</h1><p>${esc(doc.info.description)}</p><p>Maschinenlesbar: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI ${doc.openapi})</p>
${ops}</body></html>`;
}
