/** Typed client for the server's JSON API. */
export interface Level {
  level: string;
  title: string;
  ordinal: number;
  parentLevel: string | null;
  areaCount: number;
}
export interface Indicator {
  id: string;
  title: string;
  definition: string;
  theme: string;
  kind: 'count' | 'rate';
  unit: string;
  polarity: 'higher_is_better' | 'higher_is_worse' | 'neutral';
  source: string;
  caveats: string;
}
export interface AreaValue {
  areaId: string;
  fid: number;
  name: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  suppressed: boolean;
  reason: string | null;
  rank: number | null;
}
export interface ValuesResponse {
  dataVersion: string;
  indicator: Pick<Indicator, 'id' | 'title' | 'unit' | 'kind' | 'polarity'>;
  level: string;
  schuljahr: string;
  disclosure: { minCount: number; minDenominator: number };
  values: AreaValue[];
  stats: {
    count: number;
    suppressed: number;
    missing: number;
    min: number | null;
    max: number | null;
    mean: number | null;
    breaks: Record<'quantile' | 'equal' | 'jenks', Record<string, number[]>>;
  };
}
export interface Health {
  status: string;
  engine: string;
  schemaVersion: number;
  dataVersion: string | null;
  municipality: string | null;
}

async function get<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `${res.status} ${res.statusText}`);
  }
  return (await res.json()) as T;
}

export const api = {
  health: () => get<Health>('/api/health'),
  levels: () => get<{ levels: Level[] }>('/api/levels'),
  indicators: () => get<{ schuljahre: string[]; indicators: Indicator[] }>('/api/indicators'),
  values: (id: string, level: string, schuljahr: string, dataVersion: string) =>
    get<ValuesResponse>(
      `/api/indicators/${encodeURIComponent(id)}/values?level=${encodeURIComponent(level)}&schuljahr=${encodeURIComponent(schuljahr)}&v=${dataVersion}`,
    ),
};
