import type { ProfileRow } from './repository.ts';

/** Rows → API objects for area profiles and the schools an area's pupils attend. */

type Count = { count: number | null; suppressed: boolean; reason: string | null };

const profileValue = (r: ProfileRow) => ({
  schuljahr: r.schuljahr,
  value: r.value,
  numerator: r.numerator,
  denominator: r.denominator,
  suppressed: r.suppressed,
  reason: r.reason,
});

function groupBy<T extends { indicator_id: string }>(rows: readonly T[]) {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    let list = m.get(r.indicator_id);
    if (!list) m.set(r.indicator_id, (list = []));
    list.push(r);
  }
  return m;
}

/** A share of published counts; null when either is withheld (it would say no more than they do). */
export const shareOf = (count: number | null, total: number | null) =>
  count === null || total === null || total === 0 ? null : Math.round((count / total) * 1e4) / 1e4;

export function toProfile(p: {
  dataVersion: string;
  area: { level: string; area_id: string; fid: number | string; name: string; area_m2: number };
  parentKeys: { level: string; areaId: string }[];
  names: { level: string; area_id: string; name: string }[];
  values: (ProfileRow & { rank: number | string | null; ranked: number | string })[];
  parentValues: ProfileRow[] | null;
  city: ProfileRow[];
  indicators: {
    id: string;
    title: string;
    unit: string;
    kind: 'count' | 'rate';
    polarity: 'higher_is_better' | 'higher_is_worse' | 'neutral';
    theme: string;
  }[];
  schuljahre: string[];
}) {
  const own = groupBy(p.values);
  const parent = p.parentValues ? groupBy(p.parentValues) : null;
  const city = groupBy(p.city);
  const nameOf = (level: string, id: string) => p.names.find((n) => n.level === level && n.area_id === id)?.name ?? id;
  return {
    dataVersion: p.dataVersion,
    area: {
      level: p.area.level,
      areaId: p.area.area_id,
      fid: Number(p.area.fid),
      name: p.area.name,
      areaKm2: Math.round(Number(p.area.area_m2) / 1e4) / 100,
      parents: p.parentKeys.map((k) => ({ level: k.level, areaId: k.areaId, name: nameOf(k.level, k.areaId) })),
    },
    schuljahre: p.schuljahre,
    indicators: p.indicators.map((i) => ({
      indicator: { id: i.id, title: i.title, unit: i.unit, kind: i.kind, polarity: i.polarity, theme: i.theme },
      series: (own.get(i.id) ?? []).map((r) => ({
        ...profileValue(r),
        rank: r.rank === null ? null : Number(r.rank),
        rankedAreas: Number(r.ranked),
      })),
      parent: parent ? (parent.get(i.id) ?? []).map(profileValue) : null,
      city: (city.get(i.id) ?? []).map(profileValue),
    })),
  };
}

export function toAreaSchools(p: {
  dataVersion: string;
  area: { level: string; area_id: string; name: string };
  schuljahr: string;
  rows: (Count & { schulnummer: string; name: string; schulform: string; schulform_name: string; lon: number; lat: number })[];
  pupils: ProfileRow | undefined;
}) {
  const total = p.pupils ? p.pupils.numerator : 0;
  return {
    dataVersion: p.dataVersion,
    area: { level: p.area.level, areaId: p.area.area_id, name: p.area.name },
    schuljahr: p.schuljahr,
    total: { count: total, suppressed: p.pupils?.suppressed ?? false, reason: p.pupils?.reason ?? null },
    schools: p.rows.map((r) => ({
      schulnummer: r.schulnummer,
      name: r.name,
      schulform: r.schulform,
      schulformName: r.schulform_name,
      lon: Number(r.lon),
      lat: Number(r.lat),
      count: r.count,
      share: shareOf(r.count, total),
      suppressed: r.suppressed,
      reason: r.reason,
    })),
  };
}
