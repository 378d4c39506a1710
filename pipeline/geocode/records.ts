import fs from 'node:fs';
import { columns, type Sql } from '../../core/db/index.ts';
import { AppError } from '../../core/errors.ts';
import { progress } from '../../core/log.ts';
import { faultPoint } from '../../core/fault.ts';
import { RECORD_FIELDS, type Job } from '../job.ts';
import { openCsv } from '../read/csv.ts';
import { isOwnMunicipality, validateRecord, ValidationMemo, type RawRecord } from '../read/records.ts';
import type { House, Place, Places } from '../assign/places.ts';
import type { Tally } from '../aggregate/tally.ts';
import type { Gazetteer } from './gazetteer.ts';
import type { nearStreets } from './fuzzy.ts';
import { matchAddress } from './match.ts';
import type { Origin, OriginResolver } from './origin.ts';

/**
 * Reads the pupil records, validates and geocodes each one, and writes it to
 * staging with the bucket it ends in and its place (its areas on every level, see
 * places.ts), and counts it in the tally. Every input row ends in exactly one bucket:
 *   assigned:<quality>      geocoded (exact, normalised, alias, fuzzy, without_suffix), several
 *                           candidate addresses (ambiguous) or street level
 *   other_municipality      Wohnort is another municipality (an Einpendler)
 *   unmatched:<reason>      address not found; written to the quarantine file for correction
 *   rejected:<reason>       invalid record; written to the quarantine file
 */
export interface Account {
  /** Rows read (records); pupils = sum of Anzahl over valid rows. */
  rows: number;
  pupils: number;
  buckets: Record<string, { rows: number; pupils: number }>;
  perFile: { file: string; sha256: string; encoding: string; delimiter: string; rows: number }[];
  /** Rows per bucket, by Schuljahr and by school (valid records only). */
  perSchuljahr: Record<string, Record<string, number>>;
  perSchool: Record<string, Record<string, number>>;
  /** Einpendler pupils by kind of origin (gemeinde, land, ausland, unbekannt). */
  origins: Record<string, number>;
  /** Valid records (pupils) without a value in an optional field that indicators use. */
  missing: { Verkehrssprache: number; Staatsangehoerigkeit: number };
}

export const RECORD_COLUMNS = columns(
  'id int, file int, line int, schuljahr text, schulnummer text, jahrgang text, geschlecht text, lang text, nat text, ' +
    'zuzugsjahr int, foerder text, anzahl int, bucket text, quality text, origin text, street_key text, x float8, y float8, ' +
    'status text, grundschulempfehlung text, ls_schulnummer text, place int',
);

const QUARANTINE_HEADER = ['Datei', 'Zeile', 'Bereich', 'Grund', 'Spalte', ...RECORD_FIELDS, 'Korrektur_Strasse', 'Korrektur_Hausnummer'];

export interface RecordsStageOptions {
  sql: Sql;
  job: Job;
  gazetteer: Gazetteer;
  origins: OriginResolver;
  knownSchools: ReadonlySet<string>;
  /** The assigned houses and streets (assign.ts), and the counts the records go to. */
  places: Places;
  tally: Tally;
  /** Local file for unmatched and rejected records, created with mode 0600. */
  quarantineFile: string;
  batchSize?: number;
  /** Where progress goes (stdout by default). */
  out?: NodeJS.WriteStream;
}

export async function loadRecords(o: RecordsStageOptions): Promise<Account> {
  const batchSize = o.batchSize ?? 20000;
  const account: Account = {
    rows: 0,
    pupils: 0,
    buckets: {},
    perFile: [],
    perSchuljahr: {},
    perSchool: {},
    origins: {},
    missing: { Verkehrssprache: 0, Staatsangehoerigkeit: 0 },
  };
  const count = (bucket: string, pupils: number, schuljahr: string | null, schulnummer: string | null = null) => {
    const b = (account.buckets[bucket] ??= { rows: 0, pupils: 0 });
    b.rows++;
    b.pupils += pupils;
    account.pupils += pupils;
    if (schuljahr) {
      const s = (account.perSchuljahr[schuljahr] ??= {});
      s[bucket] = (s[bucket] ?? 0) + 1;
    }
    if (schulnummer) {
      const s = (account.perSchool[schulnummer] ??= {});
      s[bucket] = (s[bucket] ?? 0) + 1;
    }
  };

  const towns = [o.job.municipality.name];
  const cache = new Map<string, ReturnType<typeof nearStreets>>();
  const matches = new Map<string, { m: ReturnType<typeof matchAddress>; bucket: string; place: Place | null; house: House | null }>();
  // A file repeats few values in most fields: each is checked once (same results).
  const memo = new ValidationMemo();
  const ownMunicipality = new Map<string, boolean>();
  const fd = fs.openSync(o.quarantineFile, 'w', 0o600);
  fs.fchmodSync(fd, 0o600); // also when the file existed with wider rights
  const csvCell = (v: string) => (/[;"\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  fs.writeSync(fd, '\ufeff' + QUARANTINE_HEADER.join(';') + '\r\n');
  // Defined once, not per row: tsx (esbuild keepNames) names every closure it creates.
  const quarantine = (fileIdx: number, line: number, raw: RawRecord, bucket: string, reason: string, column: string) => {
    const values = RECORD_FIELDS.map((f) => raw[f] ?? '');
    fs.writeSync(fd, [String(fileIdx + 1), String(line), bucket, reason, column, ...values, '', ''].map(csvCell).join(';') + '\r\n');
  };

  let batch: unknown[][] = [];
  let nextId = 1;
  // Batches are written while the next ones are read and geocoded (on PostgreSQL the
  // database works on the other core, each write on a connection of its own); at most
  // two in flight: with one, the records stage waited 1.8 s of its 7 s for the database.
  const inflight: Promise<void>[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    while (inflight.length >= 2) await inflight.shift();
    const write = (async () => {
      const written = await o.sql.insertRows('staging.records', RECORD_COLUMNS, rows);
      if (written !== rows.length) throw new AppError('integrity', `staging.records: wrote ${written} of ${rows.length} rows`);
    })();
    // Surface a failure at a later flush or at the end, not as an unhandled rejection.
    write.catch(() => {});
    inflight.push(write);
  };

  try {
    for (const [fileIdx, input] of o.job.records.entries()) {
      faultPoint(`records:file${fileIdx + 1}`);
      const table = await openCsv(input.file);
      const colOf = new Map<string, number>();
      for (const field of RECORD_FIELDS) {
        const name = input.mapping[field] ?? field;
        const i = table.header.indexOf(name);
        if (i >= 0) colOf.set(field, i);
      }
      for (const required of ['Schulnummer', 'Jahrgang', 'Strasse'] as const) {
        if (!colOf.has(required)) {
          const name = input.mapping[required] ?? required;
          throw new AppError('invalid_input', `missing column "${name}" (${required}); the header has: ${table.header.join(', ')}`, {
            file: input.file,
            line: table.headerLine,
          });
        }
      }
      // By bytes: the number of records is not known before the end (a count from the size overshot 100 %).
      const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
      const bar = progress(`Records ${input.file.split('/').pop()}`, mb(table.info.bytes), o.out, 'MB');
      let rowsInFile = 0;
      const fieldIndex = Int32Array.from(RECORD_FIELDS, (f) => colOf.get(f) ?? -1);
      const validation = { schuljahr: o.job.schuljahr, knownSchools: o.knownSchools };
      for await (const rows of table.batches) {
        for (const row of rows) {
          rowsInFile++;
          account.rows++;
          if (rowsInFile % 5000 === 0) bar.tick(mb(table.bytesRead()));
          const raw = rawRecord(row.fields, fieldIndex);
          if (row.fields.length !== table.header.length) {
            count('rejected:field_count', 0, null);
            quarantine(fileIdx, row.line, raw, 'rejected', 'field_count', `${row.fields.length} statt ${table.header.length} Felder`);
            continue;
          }
          const v = validateRecord(raw, validation, memo);
          if (!v.ok) {
            count(`rejected:${v.reason}`, 0, null);
            quarantine(fileIdx, row.line, raw, 'rejected', v.reason, v.column);
            continue;
          }
          const r = v.record;
          if (r.verkehrssprache === '') account.missing.Verkehrssprache += r.anzahl;
          if (r.staatsangehoerigkeit === '') account.missing.Staatsangehoerigkeit += r.anzahl;
          let bucket: string;
          let quality: string | null = null;
          let streetKey: string | null = null;
          let x: number | null = null;
          let y: number | null = null;
          let origin: Origin | null = null;
          let place: Place | null = null;
          let own = ownMunicipality.get(r.wohnort);
          if (own === undefined) {
            own = isOwnMunicipality(r.wohnort, o.job.municipality);
            if (ownMunicipality.size < 10_000) ownMunicipality.set(r.wohnort, own);
          }
          if (!own) {
            bucket = 'other_municipality';
            origin = o.origins.resolve(r.wohnort);
            account.origins[origin.kind] = (account.origins[origin.kind] ?? 0) + r.anzahl;
            o.tally.einpendler(r, origin.id);
          } else {
            // Siblings and every Schuljahr repeat the same typed address: match each spelling once.
            const key = `${r.strasse}\u0000${r.hausnummer}\u0000${r.zusatz}`;
            let hit = matches.get(key);
            if (!hit) {
              const m = matchAddress(o.gazetteer, r.strasse, r.hausnummer, r.zusatz, { towns, cache });
              // The bucket's name made once per spelling: one string, hashed once, for every count.
              const name =
                m.status === 'unmatched' ? `unmatched:${m.reason}` : `assigned:${m.status === 'candidates' ? 'ambiguous' : m.quality}`;
              if (matches.size >= 500_000) matches.clear(); // bounded memory on huge inputs
              matches.set(key, (hit = { m, bucket: name, ...placeOf(o.places, m) }));
            }
            const m = hit.m;
            bucket = hit.bucket;
            place = hit.place;
            if (m.status === 'unmatched') {
              quarantine(fileIdx, row.line, raw, 'unmatched', m.reason, 'Strasse');
              o.tally.unplaced(r);
            } else {
              quality = m.quality;
              if (m.status !== 'candidates') streetKey = m.streetKey;
              if (m.status === 'matched') ({ x, y } = m.point);
              o.tally.resident(r, place!, hit.house);
            }
          }
          count(bucket, r.anzahl, r.schuljahr, r.schulnummer);
          batch.push([
            nextId++,
            fileIdx + 1,
            row.line,
            r.schuljahr,
            r.schulnummer,
            r.jahrgang,
            r.geschlecht,
            r.verkehrssprache,
            r.staatsangehoerigkeit,
            r.zuzugsjahr,
            r.foerderschwerpunkt,
            r.anzahl,
            bucket,
            quality,
            origin?.id ?? null,
            streetKey,
            x,
            y,
            r.status,
            r.grundschulempfehlung,
            r.lsSchulnummer,
            place?.id ?? null,
          ]);
          if (batch.length >= batchSize) await flush();
        }
      }
      bar.done(`${rowsInFile} rows`);
      account.perFile.push({
        file: input.file,
        sha256: table.info.sha256,
        encoding: table.info.encoding,
        delimiter: table.delimiter,
        rows: rowsInFile,
      });
    }
    await flush();
    while (inflight.length > 0) await inflight.shift();
    await o.sql.exec('ALTER TABLE staging.records ADD PRIMARY KEY (id)');
  } finally {
    await Promise.allSettled(inflight); // never leave an insert running behind a failed read
    fs.closeSync(fd);
  }
  return account;
}

/** A match's place (and house, for a house-level match); the points come from the gazetteer, so they are always found. */
function placeOf(places: Places, m: ReturnType<typeof matchAddress>): { place: Place | null; house: House | null } {
  if (m.status === 'unmatched') return { place: null, house: null };
  if (m.status === 'street') return { place: places.street(m.streetKey), house: null };
  if (m.status === 'candidates') {
    const place = places.candidates(m.points);
    if (!place) throw new AppError('integrity', 'a candidate address is missing from the assigned houses');
    return { place, house: null };
  }
  const house = places.house(m.point);
  if (!house) throw new AppError('integrity', 'a matched address is missing from the assigned houses');
  return { place: house.place, house };
}

const at = (fields: readonly string[], i: number) => (i < 0 ? '' : (fields[i] ?? ''));

/**
 * A record's fields by name ('' for a column the file does not have), as one object
 * literal in RECORD_FIELDS order: objects of one fixed shape are made and read much
 * faster than one filled key by key, and this runs for every record.
 */
export function rawRecord(f: readonly string[], c: Int32Array): RawRecord {
  return {
    Schuljahr: at(f, c[0]!),
    Schulnummer: at(f, c[1]!),
    Jahrgang: at(f, c[2]!),
    Geschlecht: at(f, c[3]!),
    Staatsangehoerigkeit: at(f, c[4]!),
    Verkehrssprache: at(f, c[5]!),
    Zuzugsjahr: at(f, c[6]!),
    Foerderschwerpunkt: at(f, c[7]!),
    Wohnort: at(f, c[8]!),
    PLZ: at(f, c[9]!),
    Strasse: at(f, c[10]!),
    Hausnummer: at(f, c[11]!),
    Hausnummernzusatz: at(f, c[12]!),
    Anzahl: at(f, c[13]!),
    Status: at(f, c[14]!),
    Grundschulempfehlung: at(f, c[15]!),
    LSSchulnummer: at(f, c[16]!),
  };
}
