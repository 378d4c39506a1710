import { z } from 'zod';
import * as S from './schemas.ts';

/**
 * OpenAPI 3.1 for the JSON API, generated from the zod schemas in ./schemas.ts —
 * the same ones the routes validate with and the web app takes its types from.
 */
interface Operation {
  method?: 'get' | 'put' | 'post' | 'delete'; // get
  path: string;
  summary: string;
  /** Admin operation: bearer token required. */
  admin?: true;
  body?: z.ZodType | { contentTypes: string[] };
  status?: number; // 200
  params?: string[];
  query?: z.ZodObject;
  response: z.ZodType | { contentTypes: string[] };
}

const OPERATIONS: Operation[] = [
  {
    path: '/api/health',
    summary: 'Status, engine, schema and data version',
    response: S.Health,
  },
  { path: '/api/levels', summary: 'Boundary levels, coarse to fine', response: S.LevelList },
  {
    path: '/api/levels/{level}/areas',
    summary: "A level's areas with names and label points (inside each area)",
    params: ['level'],
    query: S.ValuesQuery.pick({ v: true }),
    response: S.AreaList,
  },
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
  { path: '/api/offers/facets', summary: "The finder's filter choices: categories, target groups, languages", response: S.OfferFacets },
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
  { path: '/api/admin/files', summary: 'Uploaded input files', admin: true, response: S.UploadList },
  {
    method: 'put',
    path: '/api/admin/files/{name}',
    summary: 'Upload an input file (up to 4 folder levels, e.g. out/schueler.csv)',
    admin: true,
    params: ['name'],
    body: { contentTypes: ['application/octet-stream'] },
    status: 201,
    response: S.UploadedFile,
  },
  {
    method: 'delete',
    path: '/api/admin/files/{name}',
    summary: 'Delete an uploaded file',
    admin: true,
    params: ['name'],
    status: 204,
    response: { contentTypes: [] },
  },
  {
    method: 'post',
    path: '/api/admin/runs',
    summary: 'Start a pipeline run on an uploaded job; one at a time (409 otherwise)',
    admin: true,
    body: S.StartRunBody,
    status: 202,
    response: z.object({ task: S.AdminTask }),
  },
  { path: '/api/admin/runs', summary: 'Runs started through the server', admin: true, response: z.object({ tasks: z.array(S.AdminTask) }) },
  {
    path: '/api/admin/runs/{id}',
    summary: 'One run started through the server',
    admin: true,
    params: ['id'],
    response: z.object({ task: S.AdminTask }),
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
    const requestBody = !op.body
      ? undefined
      : 'contentTypes' in op.body
        ? { required: true, content: Object.fromEntries(op.body.contentTypes.map((t) => [t, {}])) }
        : { required: true, content: { 'application/json': { schema: json(op.body, 'input') } } };
    const pinnable = !!op.query && 'v' in op.query.shape;
    const versionChanged = { description: 'version_changed: `v` names a data version that is no longer published', content: error.content };
    const responses = {
      [op.status ?? 200]: ok,
      400: error,
      404: error,
      ...(pinnable ? { 409: versionChanged } : {}),
      ...(op.admin ? { 401: error, 403: error } : {}),
    };
    paths[op.path] = {
      ...(paths[op.path] as object),
      [op.method ?? 'get']: {
        summary: op.summary,
        parameters,
        ...(requestBody ? { requestBody } : {}),
        ...(op.admin ? { security: [{ bearer: [] }] } : {}),
        responses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Quartiersmonitor API',
      version,
      description:
        'Published, disclosure-controlled aggregates only. Every JSON response names the data version it was read from; `?v=<dataVersion>` makes a URL immutable, and once another version is published it is answered 409 version_changed.',
    },
    paths,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' } } },
  };
}

/** A readable page listing the operations; self-contained (no CDN, CSP-safe). */
export function docsPage(doc: ReturnType<typeof openApiDocument>): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  type Doc = { summary: string; parameters: { name: string; in: string; required: boolean; description?: string }[] };
  const ops = Object.entries(doc.paths as Record<string, Record<string, Doc>>)
    .flatMap(([p, methods]) => Object.entries(methods).map(([m, op]) => [p, m, op] as const))
    .map(
      ([p, method, get]) =>
        `<section><h2><code>${method.toUpperCase()} ${esc(p)}</code></h2><p>${esc(get.summary)}</p>${
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
