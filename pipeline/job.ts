import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';

/**
 * The job file describes one pipeline run. Paths are relative to the job file.
 * Column names default to the canonical ones and are overridden per input.
 */
const Crs = z
  .union([z.number().int(), z.string().regex(/^(EPSG:)?\d{4,5}$/i)])
  .transform((v) => (typeof v === 'number' ? v : Number(v.replace(/^EPSG:/i, ''))));

const Boundary = z.object({
  file: z.string(),
  level: z.string().regex(/^[A-Za-zÄÖÜäöüß_][\wÄÖÜäöüß-]*$/, 'a level name without spaces, e.g. Quartier'),
  title: z.string().optional(),
  idProperty: z.string(),
  nameProperty: z.string(),
  /** Property holding the id of the containing area one level up; derived spatially when absent. */
  parentProperty: z.string().optional(),
  crs: Crs.optional(),
});

const Addresses = z.object({
  file: z.string(),
  format: z.enum(['csv', 'geojson']),
  street: z.string().default('Strasse'),
  number: z.string().default('Hausnummer'),
  suffix: z.string().optional(),
  postcode: z.string().optional(),
  municipality: z.string().optional(),
  /** CSV: coordinate columns; GeoJSON: the point geometry is used. */
  x: z.string().optional(),
  y: z.string().optional(),
  crs: Crs.optional(),
});

const Schools = z.object({
  file: z.string(),
  format: z.enum(['msb', 'csv']),
  /** Generic CSV columns (the MSB format has fixed ones). */
  columns: z
    .object({
      schulnummer: z.string().default('Schulnummer'),
      name: z.string().default('Name'),
      schulform: z.string().default('Schulform'),
      x: z.string().default('x'),
      y: z.string().default('y'),
    })
    .default({ schulnummer: 'Schulnummer', name: 'Name', schulform: 'Schulform', x: 'x', y: 'y' }),
  crs: Crs.optional(),
  /** IT.NRW list with Sozialindex, joined by Schulnummer. */
  sozialindex: z
    .object({
      file: z.string(),
      schulnummer: z.string().default('Schulnummer'),
      value: z.string().default('Sozialindexstufe'),
      /** Column with 0/1 for Startchancen schools (IT.NRW directory: "Startchancen-Schule"). */
      startchancen: z.string().optional(),
    })
    .optional(),
});

/** The canonical header of a records file, in order; then the optional ASD fields. */
export const CANONICAL_RECORD_FIELDS = [
  'Schuljahr',
  'Schulnummer',
  'Jahrgang',
  'Geschlecht',
  'Staatsangehoerigkeit',
  'Verkehrssprache',
  'Zuzugsjahr',
  'Foerderschwerpunkt',
  'Wohnort',
  'PLZ',
  'Strasse',
  'Hausnummer',
  'Hausnummernzusatz',
  'Anzahl',
] as const;
/** Further ASD fields, carried into staging when present (never published). */
export const EXTRA_RECORD_FIELDS = ['Status', 'Grundschulempfehlung', 'LSSchulnummer'] as const;
export const RECORD_FIELDS = [...CANONICAL_RECORD_FIELDS, ...EXTRA_RECORD_FIELDS] as const;
export type RecordField = (typeof RECORD_FIELDS)[number];

const RecordsInput = z.object({
  file: z.string(),
  /** canonical field → column name in this file */
  mapping: z.partialRecord(z.enum(RECORD_FIELDS), z.string()).default({}),
});

export const JobSchema = z.strictObject({
  name: z.string().default('job'),
  schuljahr: z
    .string()
    .regex(/^\d{4}\/\d{2}$/)
    .optional(),
  municipality: z.object({ name: z.string(), ags: z.string().regex(/^\d{8}$/, '8-digit AGS, e.g. 05113000') }),
  boundaries: z.array(Boundary).min(1),
  addresses: Addresses,
  schools: Schools,
  records: z.union([RecordsInput, z.array(RecordsInput).min(1)]).transform((r) => (Array.isArray(r) ? r : [r])),
  /** Context indicators per area (long CSV) with their registry entries (JSON). */
  indicators: z
    .array(
      z.object({
        file: z.string(),
        level: z.string(),
        definitions: z.string(),
        columns: z
          .object({ area: z.string(), year: z.string(), indicator: z.string(), numerator: z.string(), denominator: z.string() })
          .default({ area: 'Quartier', year: 'Jahr', indicator: 'Indikator', numerator: 'Zaehler', denominator: 'Nenner' }),
      }),
    )
    .default([]),
  /** Education and counselling offers (CSV or GeoJSON); placed by coordinates or by address. */
  offers: z
    .object({
      file: z.string(),
      format: z.enum(['csv', 'geojson']),
      /** CSV: CRS of the coordinate columns; GeoJSON: overrides the crs member. */
      crs: Crs.optional(),
      columns: z
        .object({
          name: z.string().default('Name'),
          provider: z.string().default('Traeger'),
          categories: z.string().default('Kategorien'),
          targets: z.string().default('Zielgruppen'),
          languages: z.string().default('Sprachen'),
          street: z.string().default('Strasse'),
          number: z.string().default('Hausnummer'),
          postcode: z.string().default('PLZ'),
          city: z.string().default('Ort'),
          phone: z.string().default('Telefon'),
          email: z.string().default('E-Mail'),
          openingHours: z.string().default('Oeffnungszeiten'),
          barrierFree: z.string().default('Barrierefrei'),
          x: z.string().default('Rechtswert'),
          y: z.string().default('Hochwert'),
          stand: z.string().default('Stand'),
        })
        .prefault({}),
    })
    .optional(),
  /** Municipalities (GeoJSON) for resolving the Wohnort of Einpendler; the NRW VG250 file works as it is. */
  gemeinden: z
    .object({
      file: z.string(),
      /** 8-digit AGS or 12-digit ARS (one-element arrays are unwrapped). */
      idProperty: z.string().default('gem_code'),
      nameProperty: z.string().default('gem_name_short'),
      crs: Crs.optional(),
    })
    .optional(),
  /** Flows: which level counts as a pupil's own area, and how many nearest Grundschulen count as near. */
  flows: z
    .object({ localLevel: z.string().optional(), nearestGrundschulen: z.number().int().min(1).max(10).default(3) })
    .default({ nearestGrundschulen: 3 }),
  /** Old or colloquial street names → official names (CSV), e.g. after renamings. */
  streetAliases: z.object({ file: z.string(), from: z.string().default('Alt'), to: z.string().default('Neu') }).optional(),
  disclosure: z
    .object({ minCount: z.number().int().min(1).default(3), minDenominator: z.number().int().min(1).default(10) })
    .default({ minCount: 3, minDenominator: 10 }),
  keepStaging: z.boolean().default(false),
  /** Licence of the published data, named in every export. */
  licence: z.string().min(1).default('Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)'),
});

export type Job = z.infer<typeof JobSchema> & { readonly dir: string; readonly path: string };

export function parseJob(text: string, file: string): Job {
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(file) ? YAML.parse(text) : JSON.parse(text);
  } catch (err) {
    throw new AppError('invalid_job', `not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(err as Error).message}`, { file });
  }
  const parsed = JobSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('invalid_job', `${issue.path.join('.') || '(root)'}: ${issue.message}`, { file });
  }
  const dir = path.dirname(path.resolve(file));
  const resolve = (p: string) => path.resolve(dir, p);
  const job = parsed.data;
  const levels = new Set<string>();
  for (const b of job.boundaries) {
    if (levels.has(b.level)) throw new AppError('invalid_job', `boundaries: level ${b.level} appears twice`, { file });
    levels.add(b.level);
  }
  for (const i of job.indicators) {
    if (!levels.has(i.level)) throw new AppError('invalid_job', `indicators: unknown level "${i.level}"`, { file });
  }
  if (job.flows.localLevel && !levels.has(job.flows.localLevel)) {
    throw new AppError('invalid_job', `flows.localLevel: unknown level "${job.flows.localLevel}"`, { file });
  }
  return Object.freeze({
    ...job,
    boundaries: job.boundaries.map((b) => ({ ...b, file: resolve(b.file) })),
    addresses: { ...job.addresses, file: resolve(job.addresses.file) },
    schools: {
      ...job.schools,
      file: resolve(job.schools.file),
      ...(job.schools.sozialindex ? { sozialindex: { ...job.schools.sozialindex, file: resolve(job.schools.sozialindex.file) } } : {}),
    },
    records: job.records.map((r) => ({ ...r, file: resolve(r.file) })),
    indicators: job.indicators.map((i) => ({ ...i, file: resolve(i.file), definitions: resolve(i.definitions) })),
    ...(job.offers ? { offers: { ...job.offers, file: resolve(job.offers.file) } } : {}),
    ...(job.gemeinden ? { gemeinden: { ...job.gemeinden, file: resolve(job.gemeinden.file) } } : {}),
    ...(job.streetAliases ? { streetAliases: { ...job.streetAliases, file: resolve(job.streetAliases.file) } } : {}),
    dir,
    path: path.resolve(file),
  });
}

export function loadJob(file: string): Job {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new AppError('invalid_job', `cannot read job file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file });
  }
  return parseJob(text, file);
}

/** Every input file a job reads (absolute paths), e.g. to confine uploaded jobs to their directory. */
export function jobFiles(job: Job): string[] {
  return [
    ...job.boundaries.map((b) => b.file),
    job.addresses.file,
    job.schools.file,
    ...(job.schools.sozialindex ? [job.schools.sozialindex.file] : []),
    ...job.records.map((r) => r.file),
    ...job.indicators.flatMap((i) => [i.file, i.definitions]),
    ...(job.offers ? [job.offers.file] : []),
    ...(job.gemeinden ? [job.gemeinden.file] : []),
    ...(job.streetAliases ? [job.streetAliases.file] : []),
  ];
}
