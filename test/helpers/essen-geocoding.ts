import { createRandom } from '../../fixtures/musterstadt/random.ts';
import { NOISE_MIX, typeAddress, type NoiseKind } from '../../fixtures/noise.ts';
import { buildGazetteer } from '../../pipeline/geocode/gazetteer.ts';
import { matchAddress } from '../../pipeline/geocode/match.ts';
import { streetKey } from '../../pipeline/normalise/address.ts';
import type { GazetteerFile } from '../../pipeline/read/gazetteer.ts';

/**
 * Synthetic school records on real Essen house coordinates, typed with the noise
 * mix of real school files, geocoded, and judged by Stadtbezirk: shared by the
 * real-data test and the geocoding benchmark.
 */
export interface EssenGeocodingResult {
  real: number;
  correct: number;
  wrong: number;
  unassigned: number;
  fakes: number;
  fakesGuessed: number;
  byKind: Record<string, { records: number; correct: number; wrong: number; unassigned: number }>;
  ms: number;
}

const FAKE_STREETS = [
  'Phantasiestr.',
  'Nirgendwoweg',
  'Luftschlossallee',
  'Traumgasse',
  'Wolkenkuckucksheimer Str.',
  'Erfundener Platz',
  'Gibtsnichtstr.',
];

/**
 * The records of the experiment: every (or a sample of the) Essen house
 * coordinates inside a Stadtbezirk, typed with the noise mix. Deterministic per seed,
 * so the benchmark can run a second matcher on exactly the same records.
 */
export function* noisyEssenRecords(gaz: GazetteerFile, bezirkAt: ReadonlyMap<string, string>, seed: number, sample?: number) {
  const rnd = createRandom(seed);
  const real = gaz.entries.filter((e) => e.number !== '' && bezirkAt.has(`${e.x},${e.y}`) && !e.street.startsWith('###'));
  const picked = sample ? Array.from({ length: sample }, () => real[rnd.int(0, real.length - 1)]!) : real;
  for (const entry of picked) {
    const kind = rnd.weighted(
      NOISE_MIX.map((m) => m[0]),
      NOISE_MIX.map((m) => m[1]),
    ) as NoiseKind;
    yield { entry, kind, typed: typeAddress(entry.street, entry.number, entry.suffix, kind, rnd) };
  }
}

export function geocodeNoisyEssen(
  gaz: GazetteerFile,
  bezirkAt: ReadonlyMap<string, string>,
  o: { seed: number; sample?: number; fakes: number },
): EssenGeocodingResult {
  const started = performance.now();
  const g = buildGazetteer(gaz.entries);
  const streetBezirke = new Map<string, Set<string>>();
  for (const e of gaz.entries) {
    const b = bezirkAt.get(`${e.x},${e.y}`);
    if (!b) continue;
    const k = streetKey(e.street);
    let set = streetBezirke.get(k);
    if (!set) streetBezirke.set(k, (set = new Set()));
    set.add(b);
  }
  const cache = new Map();
  const r: EssenGeocodingResult = { real: 0, correct: 0, wrong: 0, unassigned: 0, fakes: 0, fakesGuessed: 0, byKind: {}, ms: 0 };
  for (const { entry: e, kind, typed } of noisyEssenRecords(gaz, bezirkAt, o.seed, o.sample)) {
    const m = matchAddress(g, typed.street, typed.number, typed.suffix, { towns: ['Essen'], cache });
    const truth = bezirkAt.get(`${e.x},${e.y}`)!;
    let got: string | undefined;
    if (m.status === 'matched') got = bezirkAt.get(`${m.point.x},${m.point.y}`);
    else if (m.status === 'candidates') {
      const set = new Set(m.points.map((p) => bezirkAt.get(`${p.x},${p.y}`)));
      got = set.size === 1 ? [...set][0] : undefined; // only where every reading agrees
    } else if (m.status === 'street') {
      const set = streetBezirke.get(m.streetKey);
      got = set && set.size === 1 ? [...set][0] : undefined; // street level counts only where the street lies in one Bezirk
    }
    const k = (r.byKind[kind] ??= { records: 0, correct: 0, wrong: 0, unassigned: 0 });
    k.records++;
    r.real++;
    const outcome = got === undefined ? 'unassigned' : got === truth ? 'correct' : 'wrong';
    k[outcome]++;
    r[outcome]++;
  }
  const rnd = createRandom(o.seed + 1);
  for (let i = 0; i < o.fakes; i++) {
    const m = matchAddress(g, rnd.pick(FAKE_STREETS), String(rnd.int(1, 80)), '', { towns: ['Essen'], cache });
    r.fakes++;
    if (m.status !== 'unmatched') r.fakesGuessed++;
  }
  r.ms = performance.now() - started;
  return r;
}
