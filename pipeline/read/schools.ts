import { AppError } from '../../core/errors.ts';
import type { Job } from '../job.ts';
import { openCsv, requireColumn, type CsvTable } from './csv.ts';
import { checkCoordinateRange } from './geo.ts';

/** MSB Schulform keys (msb_schluessel, current ASD list). */
export const SCHULFORM_NAMES: Record<string, string> = {
  '02': 'Grundschule',
  '04': 'Hauptschule',
  '06': 'Volksschule',
  '08': 'Förderschule',
  '10': 'Realschule',
  '13': 'PRIMUS-Schule',
  '14': 'Sekundarschule',
  '15': 'Gesamtschule',
  '16': 'Gemeinschaftsschule',
  '17': 'Freie Waldorfschule',
  '18': 'Hiberniaschule',
  '19': 'Waldorf-Förderschule',
  '20': 'Gymnasium',
  '25': 'Weiterbildungskolleg',
  '30': 'Berufskolleg',
  '83': 'Klinikschule',
  '85': 'Förderschule im Bereich der Realschule',
  '87': 'Förderschule im Bereich des Gymnasiums',
  '88': 'Förderschule im Bereich des Berufskollegs',
};

export interface School {
  schulnummer: string;
  name: string;
  schulform: string;
  schulformName: string;
  ags: string | null;
  sozialindex: number | null;
  /** Startchancen programme; null when not known. */
  startchancen: boolean | null;
  x: number;
  y: number;
  srid: number;
}

type Spec = Job['schools'];

export async function readSchools(spec: Spec): Promise<{ schools: School[]; sha256: string }> {
  const { file } = spec;
  const t = await openCsv(file);
  const schools = spec.format === 'msb' ? await readMsb(t, file) : await readGeneric(t, file, spec);
  if (spec.sozialindex) {
    const si = await openCsv(spec.sozialindex.file);
    const nr = requireColumn(si, spec.sozialindex.file, spec.sozialindex.schulnummer);
    const val = requireColumn(si, spec.sozialindex.file, spec.sozialindex.value);
    const sc = spec.sozialindex.startchancen ? requireColumn(si, spec.sozialindex.file, spec.sozialindex.startchancen) : null;
    const byNr = new Map(schools.map((s) => [s.schulnummer, s]));
    for await (const row of si.rows) {
      const school = byNr.get((row.fields[nr] ?? '').trim().padStart(6, '0'));
      if (!school) continue;
      // The IT.NRW file writes "5.0"; an empty value means no Sozialindex (Berufskollegs, private schools).
      const v = Number(row.fields[val]);
      if ((row.fields[val] ?? '').trim() !== '' && Number.isInteger(v) && v >= 1 && v <= 9) school.sozialindex = v;
      if (sc !== null) {
        const flag = (row.fields[sc] ?? '').trim();
        if (flag === '1' || flag === '0') school.startchancen = flag === '1';
      }
    }
  }
  return { schools, sha256: t.info.sha256 };
}

async function readMsb(t: CsvTable, file: string): Promise<School[]> {
  const lineOf = new Map<string, number>();
  const col = (name: string) => requireColumn(t, file, name);
  const [nr, form, n1, n2, n3, ags, epsg, rw, hw] = [
    'Schulnummer',
    'Schulform',
    'Schulbezeichnung_1',
    'Schulbezeichnung_2',
    'Schulbezeichnung_3',
    'Gemeindeschluessel',
    'EPSG',
    'UTMRechtswert',
    'UTMHochwert',
  ].map(col) as number[];
  const out: School[] = [];
  for await (const row of t.rows) {
    const f = row.fields;
    const schulnummer = (f[nr!] ?? '').trim();
    if (!/^\d{6}$/.test(schulnummer)) {
      throw new AppError('invalid_input', `expected a 6-digit Schulnummer, found "${schulnummer}"`, {
        file,
        line: row.line,
        column: 'Schulnummer',
      });
    }
    // One row in the real file has EPSG "null": the directory is EPSG:25832 throughout.
    const srid = /^\d+$/.test(f[epsg!] ?? '') ? Number(f[epsg!]) : 25832;
    const x = Number(f[rw!]);
    const y = Number(f[hw!]);
    if (!Number.isFinite(x) || !Number.isFinite(y) || !f[rw!] || !f[hw!]) {
      throw new AppError('invalid_input', 'missing or non-numeric UTM coordinates', { file, line: row.line, column: 'UTMRechtswert' });
    }
    checkCoordinateRange(srid, x, y, { file, line: row.line });
    once(lineOf, schulnummer, { file, line: row.line, column: 'Schulnummer' });
    const key = (f[form!] ?? '').trim().padStart(2, '0');
    out.push({
      schulnummer,
      name: [f[n1!], f[n2!], f[n3!]]
        .map((s) => (s ?? '').trim())
        .filter(Boolean)
        .join(' '),
      schulform: key,
      schulformName: SCHULFORM_NAMES[key] ?? `Schulform ${key}`,
      ags: (f[ags!] ?? '').trim() || null,
      sozialindex: null,
      startchancen: null,
      x,
      y,
      srid,
    });
  }
  return out;
}

async function readGeneric(t: CsvTable, file: string, spec: Spec): Promise<School[]> {
  const lineOf = new Map<string, number>();
  const c = spec.columns;
  const [nr, name, form, xi, yi] = [c.schulnummer, c.name, c.schulform, c.x, c.y].map((n) => requireColumn(t, file, n)) as number[];
  const srid = spec.crs ?? 4326;
  const out: School[] = [];
  for await (const row of t.rows) {
    const f = row.fields;
    const schulnummer = (f[nr!] ?? '').trim().padStart(6, '0');
    const x = Number((f[xi!] ?? '').replace(',', '.'));
    const y = Number((f[yi!] ?? '').replace(',', '.'));
    if (!/^\d{6}$/.test(schulnummer))
      throw new AppError('invalid_input', 'expected a 6-digit Schulnummer', { file, line: row.line, column: c.schulnummer });
    if (!Number.isFinite(x) || !Number.isFinite(y))
      throw new AppError('invalid_input', 'non-numeric coordinates', { file, line: row.line, column: c.x });
    checkCoordinateRange(srid, x, y, { file, line: row.line });
    once(lineOf, schulnummer, { file, line: row.line, column: c.schulnummer });
    const raw = (f[form!] ?? '').trim();
    const key = /^\d{1,2}$/.test(raw) ? raw.padStart(2, '0') : (Object.entries(SCHULFORM_NAMES).find(([, v]) => v === raw)?.[0] ?? raw);
    out.push({
      schulnummer,
      name: (f[name!] ?? '').trim(),
      schulform: key,
      schulformName: SCHULFORM_NAMES[key] ?? raw,
      ags: null,
      sozialindex: null,
      startchancen: null,
      x,
      y,
      srid,
    });
  }
  return out;
}

/** A Schulnummer names one school: a second row with it is an error, not a second school. */
function once(lineOf: Map<string, number>, schulnummer: string, where: { file: string; line: number; column: string }): void {
  const first = lineOf.get(schulnummer);
  if (first !== undefined) throw new AppError('invalid_input', `Schulnummer ${schulnummer} appears twice (first in line ${first})`, where);
  lineOf.set(schulnummer, where.line);
}
