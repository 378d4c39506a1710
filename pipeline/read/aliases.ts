import { AppError } from '../../core/errors.ts';
import type { GazetteerEntry } from '../geocode/gazetteer.ts';
import type { Job } from '../job.ts';
import { streetKey } from '../normalise/address.ts';
import { openCsv, requireColumn } from './csv.ts';

/**
 * Street aliases: old or colloquial name → official name. Every target must be a
 * street of the gazetteer; an alias that points nowhere is an input error, not a
 * silent no-op. Analysts can build this file from the quarantine file's
 * correction column.
 */
export async function readStreetAliases(spec: NonNullable<Job['streetAliases']>, gazetteer: readonly GazetteerEntry[]) {
  const known = new Set(gazetteer.map((e) => streetKey(e.street)));
  const t = await openCsv(spec.file);
  const from = requireColumn(t, spec.file, spec.from);
  const to = requireColumn(t, spec.file, spec.to);
  const aliases = new Map<string, string>();
  for await (const row of t.rows) {
    const alias = streetKey(row.fields[from] ?? '');
    const target = streetKey(row.fields[to] ?? '');
    if (!alias) throw new AppError('invalid_input', 'empty alias', { file: spec.file, line: row.line, column: spec.from });
    if (!known.has(target)) {
      throw new AppError('invalid_input', `"${row.fields[to]}" is not a street of the gazetteer`, {
        file: spec.file,
        line: row.line,
        column: spec.to,
      });
    }
    aliases.set(alias, target);
  }
  return { aliases, sha256: t.info.sha256 };
}
