import { z } from 'zod';

/**
 * The API's inputs and outputs as zod schemas: routes validate queries with them,
 * `/api/openapi.json` is generated from them, tests check responses against them,
 * and the web app takes its types from them (`z.infer`), so the three cannot drift.
 */

const Schuljahr = z.string().regex(/^\d{4}\/\d{2}$/, 'expected a Schuljahr like 2024/25');
const DataVersion = z.string().nullable().describe('Data version the response was read from (null before the first publication)');
/** `?v=` lets a client pin a data version into a URL, which makes the response immutable. */
const V = z.string().max(64).optional();

export const Suppression = {
  suppressed: z.boolean(),
  reason: z.string().nullable().describe('Reason code when suppressed, e.g. primary, secondary, denominator'),
};

// ---- queries

export const ValuesQuery = z.strictObject({ level: z.string().max(64).optional(), schuljahr: Schuljahr.optional(), v: V });
export const SchuljahrQuery = z.strictObject({ schuljahr: Schuljahr.optional(), v: V });
export const CatchmentQuery = z.strictObject({ schuljahr: Schuljahr.optional(), level: z.string().max(64).optional(), v: V });
export const SchoolsQuery = z.strictObject({ schulform: z.string().max(8).optional(), v: V });
export const FlowsQuery = z.strictObject({ schuljahr: Schuljahr.optional(), schulnummer: z.string().max(16).optional(), v: V });

const flag = z.enum(['true', 'false', '1', '0']).transform((s) => s === 'true' || s === '1');
export const OffersQuery = z
  .strictObject({
    near: z
      .string()
      .regex(/^-?\d{1,3}(\.\d+)?,-?\d{1,2}(\.\d+)?$/, 'expected lon,lat in degrees, e.g. 7.01,51.45')
      .transform((s) => s.split(',').map(Number) as [number, number])
      .refine(([lon, lat]) => Math.abs(lon) <= 180 && Math.abs(lat) <= 90, 'lon must be within ±180 and lat within ±90')
      .optional(),
    address: z.string().min(3).max(200).optional(),
    radius: z.coerce.number().int().min(1).max(50000).default(2000).describe('metres'),
    category: z.string().max(64).optional(),
    target: z.string().max(64).optional(),
    language: z.string().max(16).optional(),
    barrierFree: flag.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine((q) => (q.near === undefined) !== (q.address === undefined), 'give exactly one of near=lon,lat or address=…');

export const GeocodeQuery = z.strictObject({
  q: z.string().trim().min(2, 'type at least 2 characters').max(200),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

export const ExportQuery = z.strictObject({
  indicators: z
    .string()
    .max(2000)
    .transform((s) => s.split(',').filter(Boolean))
    .optional(),
  schuljahr: Schuljahr.optional(),
  decimalComma: flag.optional(),
  shape: z.enum(['long', 'wide']).default('long'),
});

// ---- responses

export const Indicator = z.object({
  id: z.string(),
  title: z.string(),
  definition: z.string(),
  theme: z.string(),
  kind: z.enum(['count', 'rate']),
  unit: z.string(),
  numerator: z.string(),
  denominator: z.string().nullable(),
  reference: z.enum(['Wohnort', 'Schulort']),
  polarity: z.enum(['higher_is_better', 'higher_is_worse', 'neutral']),
  source: z.string(),
  caveats: z.string(),
  stichtag: z.string(),
});

export const Health = z.object({
  status: z.literal('ok'),
  engine: z.enum(['pglite', 'postgres']),
  schemaVersion: z.number().int(),
  dataVersion: DataVersion,
  publishedAt: z.string().nullable(),
  municipality: z.string().nullable(),
  basemap: z.string().nullable().describe('MapLibre style URL of the configured basemap; null = none'),
});

export const IndicatorList = z.object({ dataVersion: DataVersion, schuljahre: z.array(z.string()), indicators: z.array(Indicator) });

export const LevelList = z.object({
  dataVersion: DataVersion,
  levels: z.array(
    z.object({
      level: z.string(),
      title: z.string(),
      ordinal: z.number().int(),
      parentLevel: z.string().nullable(),
      areaCount: z.number().int(),
    }),
  ),
});

export const AreaList = z.object({
  dataVersion: z.string(),
  level: z.string(),
  areas: z.array(
    z.object({
      areaId: z.string(),
      fid: z.number().int(),
      name: z.string(),
      parentId: z.string().nullable(),
      lon: z.number().describe('label point: inside the area'),
      lat: z.number(),
    }),
  ),
});

const Breaks = z.record(z.string(), z.array(z.number()));
export const IndicatorValues = z.object({
  dataVersion: z.string(),
  indicator: Indicator.pick({ id: true, title: true, unit: true, kind: true, polarity: true }),
  level: z.string(),
  schuljahr: z.string(),
  disclosure: z.object({ minCount: z.number().int(), minDenominator: z.number().int() }),
  city: z
    .object({
      value: z.number().nullable(),
      numerator: z.number().int().nullable(),
      denominator: z.number().int().nullable(),
      ...Suppression,
    })
    .nullable()
    .describe('the whole city, the reference for deviations'),
  values: z.array(
    z.object({
      areaId: z.string(),
      fid: z.number().int(),
      name: z.string(),
      value: z.number().nullable(),
      numerator: z.number().int().nullable(),
      denominator: z.number().int().nullable(),
      ...Suppression,
      rank: z.number().int().nullable(),
    }),
  ),
  stats: z.object({
    count: z.number().int(),
    suppressed: z.number().int(),
    missing: z.number().int(),
    min: z.number().nullable(),
    max: z.number().nullable(),
    mean: z.number().nullable(),
    breaks: z.object({ quantile: Breaks, equal: Breaks, jenks: Breaks }),
  }),
});

const ProfileValue = z.object({
  schuljahr: z.string(),
  value: z.number().nullable(),
  numerator: z.number().int().nullable(),
  denominator: z.number().int().nullable(),
  ...Suppression,
});
export const AreaProfile = z.object({
  dataVersion: z.string(),
  area: z.object({
    level: z.string(),
    areaId: z.string(),
    fid: z.number().int(),
    name: z.string(),
    areaKm2: z.number(),
    parents: z.array(z.object({ level: z.string(), areaId: z.string(), name: z.string() })).describe('coarse to fine'),
  }),
  schuljahre: z.array(z.string()),
  indicators: z.array(
    z.object({
      indicator: Indicator.pick({ id: true, title: true, unit: true, kind: true, polarity: true, theme: true }),
      series: z
        .array(ProfileValue.extend({ rank: z.number().int().nullable(), rankedAreas: z.number().int() }))
        .describe('this area, per Schuljahr'),
      parent: z.array(ProfileValue).nullable().describe('the parent area, per Schuljahr'),
      city: z.array(ProfileValue),
    }),
  ),
});

export const School = z.object({
  schulnummer: z.string(),
  name: z.string(),
  schulform: z.string(),
  schulformName: z.string(),
  sozialindex: z.number().int().nullable(),
  startchancen: z.boolean().nullable(),
  lon: z.number(),
  lat: z.number(),
});
export const SchoolList = z.object({ dataVersion: z.string(), schools: z.array(School) });

const Share = z.number().nullable().describe('count / total, null when either is suppressed');
export const Catchment = z.object({
  dataVersion: z.string(),
  school: School.pick({ schulnummer: true, name: true, schulform: true, schulformName: true }),
  schuljahr: z.string(),
  level: z.string(),
  total: z.object({ count: z.number().int().nullable(), ...Suppression }),
  areas: z.array(
    z.object({
      areaId: z.string(),
      fid: z.number().int(),
      name: z.string(),
      count: z.number().int().nullable(),
      share: Share,
      ...Suppression,
    }),
  ),
});

export const AreaSchools = z.object({
  dataVersion: z.string(),
  area: z.object({ level: z.string(), areaId: z.string(), name: z.string() }),
  schuljahr: z.string(),
  total: z.object({ count: z.number().int().nullable(), ...Suppression }),
  schools: z.array(
    School.pick({ schulnummer: true, name: true, schulform: true, schulformName: true, lon: true, lat: true }).extend({
      count: z.number().int().nullable(),
      share: Share,
      ...Suppression,
    }),
  ),
});

export const GemeindeFlows = z.object({
  dataVersion: z.string(),
  schuljahr: z.string(),
  schulnummer: z.string().nullable(),
  origins: z.array(
    z.object({
      originId: z.string(),
      kind: z.enum(['gemeinde', 'land', 'ausland', 'unbekannt']),
      name: z.string(),
      count: z.number().int().nullable(),
      ...Suppression,
    }),
  ),
});

export const Offer = z.object({
  offerId: z.string(),
  name: z.string(),
  provider: z.string(),
  categories: z.array(z.string()),
  targets: z.array(z.string()),
  languages: z.array(z.string()),
  address: z.object({ street: z.string(), houseNumber: z.string(), postcode: z.string(), city: z.string() }),
  phone: z.string(),
  email: z.string(),
  openingHours: z.string(),
  barrierFree: z.boolean().nullable(),
  stand: z.string().nullable(),
  lon: z.number(),
  lat: z.number(),
  distanceM: z.number().int(),
});
export const OfferList = z.object({
  dataVersion: DataVersion,
  origin: z.object({ lon: z.number(), lat: z.number(), label: z.string().nullable() }),
  radius: z.number().int(),
  offers: z.array(Offer),
});

export const OfferFacets = z.object({
  dataVersion: DataVersion,
  categories: z.array(z.string()),
  targets: z.array(z.string()),
  languages: z.array(z.string()).describe('ISO 639 codes'),
});

export const GeocodeResult = z.object({
  label: z.string(),
  street: z.string(),
  houseNumber: z.string().describe("'' when the result is a street"),
  postcode: z.string(),
  municipality: z.string(),
  lon: z.number(),
  lat: z.number(),
});
export const GeocodeList = z.object({ dataVersion: DataVersion, results: z.array(GeocodeResult) });

export const RunSummary = z.object({
  runId: z.string(),
  jobName: z.string(),
  status: z.enum(['running', 'published', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  dataVersion: z.string().nullable(),
  schuljahre: z.array(z.string()),
  inputs: z.array(z.object({ file: z.string(), sha256: z.string(), rows: z.number().int().nullable() })),
  records: z.number().int().nullable(),
  buckets: z.record(z.string(), z.number().int()),
  matchRate: z.record(z.string(), z.number()),
  matchRateBySchuljahr: z.record(z.string(), z.number()),
  matchRateBySchool: z
    .record(z.string(), z.number())
    .describe('only schools whose assigned and unassigned record counts are each 0 or at least k'),
  suppression: z
    .object({ cells: z.number().int(), hiddenCells: z.number().int(), values: z.number().int(), suppressed: z.number().int() })
    .nullable(),
  timingsMs: z.record(z.string(), z.number()),
});
export const RunList = z.object({ dataVersion: DataVersion, runs: z.array(RunSummary) });

export const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export type IndicatorValuesBody = z.infer<typeof IndicatorValues>;
export type IndicatorListBody = z.infer<typeof IndicatorList>;
export type LevelListBody = z.infer<typeof LevelList>;
export type AreaProfileBody = z.infer<typeof AreaProfile>;
export type OfferListBody = z.infer<typeof OfferList>;
export type GeocodeListBody = z.infer<typeof GeocodeList>;

// ---------------------------------------------------------------- admin

export const StartRunBody = z.strictObject({
  /** Name of an uploaded job file (JSON or YAML); its inputs must be uploaded files too. */
  job: z.string().min(1).max(400),
  /** `run`: the whole pipeline; `offers`: re-import the job's offers only. */
  kind: z.enum(['run', 'offers']).default('run'),
});

export const AdminTask = z.object({
  id: z.string(),
  kind: z.enum(['run', 'offers']),
  job: z.string(),
  state: z.enum(['running', 'published', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  progress: z.string().nullable(),
  runId: z.string().nullable(),
  dataVersion: z.string().nullable(),
  summary: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

export const UploadedFile = z.object({ name: z.string(), bytes: z.number().int(), sha256: z.string() });
export const UploadList = z.object({
  files: z.array(z.object({ name: z.string(), bytes: z.number().int(), modified: z.string() })),
});
