/**
 * Typed client for the server's JSON API. The types are inferred from the zod
 * schemas the server validates and documents its responses with (type-only
 * imports: no zod in the bundle), so a change of the API breaks the web build.
 */
import type { z } from 'zod';
import type * as S from '../../server/schemas.ts';

export type Health = z.infer<typeof S.Health>;
export type Level = z.infer<typeof S.LevelList>['levels'][number];
export type IndicatorList = z.infer<typeof S.IndicatorList>;
export type Indicator = IndicatorList['indicators'][number];
export type ValuesResponse = z.infer<typeof S.IndicatorValues>;
export type AreaValue = ValuesResponse['values'][number];

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
  levels: () => get<z.infer<typeof S.LevelList>>('/api/levels'),
  indicators: () => get<IndicatorList>('/api/indicators'),
  values: (id: string, level: string, schuljahr: string, dataVersion: string) =>
    get<ValuesResponse>(
      `/api/indicators/${encodeURIComponent(id)}/values?level=${encodeURIComponent(level)}&schuljahr=${encodeURIComponent(schuljahr)}&v=${dataVersion}`,
    ),
};
