import fs from 'node:fs';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { contextMeasures } from '../aggregate/context.ts';
import type { IndicatorDefinition } from '../aggregate/registry.ts';
import type { Job } from '../job.ts';
import { openCsv, requireColumn } from './csv.ts';

/**
 * Context indicators per area (population by age, SGB-II-Quote, Schuleingangs-
 * untersuchung …): a long CSV of numerator/denominator pairs plus a JSON file with
 * their registry entries. These are official aggregates, so a bad value is an
 * input error naming file, line and column, not a quarantined record.
 */
const Definition = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  title: z.string().min(1),
  definition: z.string().min(1),
  theme: z.string().min(1),
  kind: z.enum(['count', 'rate']),
  unit: z.string(),
  numerator: z.string(),
  denominator: z.string().nullable(),
  reference: z.enum(['Wohnort', 'Schulort']).default('Wohnort'),
  polarity: z.enum(['higher_is_better', 'higher_is_worse', 'neutral']),
  source: z.string().min(1),
  caveats: z.string().default(''),
  stichtag: z.string().default(''),
  scale: z.number().positive().default(1),
});

export interface ContextValue {
  areaId: string;
  schuljahr: string;
  indicatorId: string;
  numerator: number;
  denominator: number | null;
}

type Spec = Job['indicators'][number];

export async function readContextIndicators(spec: Spec, areaIds: ReadonlySet<string>) {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(spec.definitions, 'utf8'));
  } catch (err) {
    throw new AppError('invalid_input', `cannot read indicator definitions: ${(err as Error).message}`, { file: spec.definitions });
  }
  const parsed = z.array(Definition).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('invalid_input', `${issue.path.join('.')}: ${issue.message}`, { file: spec.definitions });
  }
  const definitions: IndicatorDefinition[] = parsed.data.map((d) => ({
    ...d,
    measures: contextMeasures(d.id),
  }));
  const byId = new Map(definitions.map((d) => [d.id, d]));

  const { file, columns: c } = spec;
  const t = await openCsv(file);
  const [area, year, indicator, num, den] = [c.area, c.year, c.indicator, c.numerator, c.denominator].map((n) =>
    requireColumn(t, file, n),
  ) as number[];
  const values: ContextValue[] = [];
  const seen = new Set<string>();
  for await (const row of t.rows) {
    const at = (column: string) => ({ file, line: row.line, column });
    const f = row.fields;
    if (f.length !== t.header.length)
      throw new AppError('invalid_input', `expected ${t.header.length} fields, found ${f.length}`, { file, line: row.line });
    const areaId = f[area!]!.trim();
    if (!areaIds.has(areaId)) throw new AppError('invalid_input', `unknown ${spec.level} "${areaId}"`, at(c.area));
    const schuljahr = f[year!]!.trim();
    if (!/^\d{4}\/\d{2}$/.test(schuljahr))
      throw new AppError('invalid_input', `expected a Schuljahr like 2024/25, found "${schuljahr}"`, at(c.year));
    const def = byId.get(f[indicator!]!.trim());
    if (!def) throw new AppError('invalid_input', `indicator "${f[indicator!]}" is not defined in ${spec.definitions}`, at(c.indicator));
    const count = (s: string, column: string) => {
      if (!/^\d+$/.test(s.trim())) throw new AppError('invalid_input', `expected a non-negative whole number, found "${s}"`, at(column));
      return Number(s);
    };
    const numerator = count(f[num!]!, c.numerator);
    const denominator = def.kind === 'rate' ? count(f[den!]!, c.denominator) : null;
    if (denominator !== null && numerator > denominator) {
      throw new AppError('invalid_input', `numerator ${numerator} exceeds denominator ${denominator}`, at(c.numerator));
    }
    const key = `${areaId}|${schuljahr}|${def.id}`;
    if (seen.has(key))
      throw new AppError('invalid_input', `duplicate value for ${def.id}, ${areaId}, ${schuljahr}`, { file, line: row.line });
    seen.add(key);
    values.push({ areaId, schuljahr, indicatorId: def.id, numerator, denominator });
  }
  return { definitions, values, sha256: t.info.sha256 };
}
