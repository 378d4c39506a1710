import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { columns, openPglite } from '../core/db/index.ts';
import { migrate } from '../core/db/migrate.ts';
import { loadBoundaries } from '../pipeline/assign/boundaries.ts';
import { editDistance } from '../pipeline/geocode/fuzzy.ts';
import { parseJob } from '../pipeline/job.ts';
import { numberKey, parseAddress, streetKey } from '../pipeline/normalise/address.ts';
import { readBoundaries } from '../pipeline/read/boundaries.ts';
import { readGazetteer } from '../pipeline/read/gazetteer.ts';
import { resetStaging } from '../pipeline/staging.ts';
import { geocodeNoisyEssen, noisyEssenRecords } from '../test/helpers/essen-geocoding.ts';

/**
 * Geocoding quality on real data: every Essen house coordinate typed the way
 * school files type addresses (half clean, half with the noise mix), judged by
 * Stadtbezirk, against a plain matcher (German folding, exact lookup, edit
 * distance ≤ 2 confirmed by the house number) in the same run.
 *   npm run bench:geocode
 */
const SHARED = path.resolve('../shared/data');
const job = parseJob(
  JSON.stringify({
    municipality: { name: 'Essen', ags: '05113000' },
    boundaries: [
      {
        file: `${SHARED}/essen_boundaries/Stadtbezirke_WGS84.geojson`,
        level: 'Stadtbezirk',
        idProperty: 'STADTBEZ',
        nameProperty: 'STADTBEZR',
      },
    ],
    addresses: {
      file: `${SHARED}/essen_hauskoordinaten/hauskoordinaten_essen_2022-10-05_4326.geojson`,
      format: 'geojson',
      street: 'strname',
      number: 'hsnr',
      suffix: 'hsnrzu',
    },
    schools: { file: 'unused.csv', format: 'msb' },
    records: { file: 'unused.csv' },
  }),
  path.join(SHARED, 'job.json'),
);

const gaz = await readGazetteer(job.addresses);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-bench-geo-'));
const db = await openPglite({ pgdata: path.join(dir, 'pgdata') });
await migrate(db);
await resetStaging(db);
await loadBoundaries(db, job.boundaries.map(readBoundaries));
await db.insertRows(
  'staging.addresses',
  columns('street_key text, x float8, y float8'),
  gaz.entries.map((e) => ['k', e.x, e.y]),
);
const rows = await db.query<{ x: number; y: number; area_id: string }>(
  `SELECT DISTINCT a.x, a.y, s.area_id FROM staging.addresses a JOIN staging.areas s ON ST_Intersects(s.geom, ST_SetSRID(ST_MakePoint(a.x, a.y), 4326))`,
);
await db.close();
fs.rmSync(dir, { recursive: true, force: true });
const bezirkAt = new Map(rows.map((r) => [`${r.x},${r.y}`, r.area_id]));

const ours = geocodeNoisyEssen(gaz, bezirkAt, { seed: 2024, fakes: 5000 });

// The plain matcher of the issue, for scale: same records (same seed), same judgement.
const plain = (() => {
  const index = new Map<string, Map<string, { x: number; y: number }>>();
  for (const e of gaz.entries) {
    const hn = parseAddress(e.street, e.number, e.suffix).houseNumber;
    if (!hn) continue;
    const k = streetKey(e.street);
    if (!index.has(k)) index.set(k, new Map());
    index.get(k)!.set(numberKey(hn), { x: e.x, y: e.y });
  }
  const keys = [...index.keys()];
  let real = 0,
    correct = 0,
    wrong = 0;
  for (const { entry: e, typed: t } of noisyEssenRecords(gaz, bezirkAt, 2024)) {
    real++;
    const p = parseAddress(t.street, t.number, t.suffix);
    if (!p.houseNumber) continue;
    const nk = numberKey(p.houseNumber);
    const k = streetKey(p.street);
    let hit = index.get(k)?.get(nk);
    if (!hit)
      for (const c of keys)
        if (editDistance(k, c, 2) <= 2 && index.get(c)!.has(nk)) {
          hit = index.get(c)!.get(nk);
          break;
        }
    if (!hit) continue;
    if (bezirkAt.get(`${hit.x},${hit.y}`) === bezirkAt.get(`${e.x},${e.y}`)) correct++;
    else wrong++;
  }
  return { real, correct, wrong };
})();

const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(3)} %`;
process.stdout.write(
  `records with a real address: ${ours.real}\n` +
    `Quartiersmonitor: correct Stadtbezirk ${pct(ours.correct, ours.real)}, wrong ${pct(ours.wrong, ours.real)} (${ours.wrong}), unassigned ${pct(ours.unassigned, ours.real)}; ` +
    `nonexistent streets guessed ${ours.fakesGuessed} of ${ours.fakes}; ${(ours.ms / 1000).toFixed(1)} s\n` +
    `plain matcher:    correct Stadtbezirk ${pct(plain.correct, plain.real)}, wrong ${pct(plain.wrong, plain.real)} (${plain.wrong})\n` +
    Object.entries(ours.byKind)
      .map(
        ([k, v]) =>
          `  ${k.padEnd(17)} ${String(v.records).padStart(6)} records, correct ${pct(v.correct, v.records)}, wrong ${v.wrong}, unassigned ${v.unassigned}`,
      )
      .join('\n') +
    '\n',
);
