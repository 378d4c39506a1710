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
export type AreaList = z.infer<typeof S.AreaList>;
export type Profile = z.infer<typeof S.AreaProfile>;
export type School = z.infer<typeof S.School>;
export type Catchment = z.infer<typeof S.Catchment>;
export type AreaSchools = z.infer<typeof S.AreaSchools>;
export type OfferList = z.infer<typeof S.OfferList>;
export type Offer = OfferList['offers'][number];
export type OfferFacets = z.infer<typeof S.OfferFacets>;
export type GeocodeList = z.infer<typeof S.GeocodeList>;

export interface TileJson {
  tiles: string[];
  minzoom: number;
  maxzoom: number;
  bounds: [number, number, number, number];
  attribution?: string;
}

/** An API error with the server's code (e.g. not_found), so callers can tell "no such address" from a failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let versionChanged: () => void = () => {};

/**
 * What to do when the server answers that the data version this page pinned was
 * replaced by a new publication (409 version_changed): main.ts reloads the view on
 * the new version, so that the page never shows tiles and values of two versions.
 */
export function onVersionChanged(fn: () => void) {
  versionChanged = fn;
}

async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(url, { signal });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    if (res.status === 409 && body?.error?.code === 'version_changed') versionChanged();
    throw new ApiError(res.status, body?.error?.code ?? 'error', body?.error?.message ?? `${res.status} ${res.statusText}`);
  }
  return (await res.json()) as T;
}

const qs = (params: Record<string, string | number | boolean | undefined>) =>
  new URLSearchParams(Object.entries(params).flatMap(([k, v]) => (v === undefined || v === '' ? [] : [[k, String(v)]]))).toString();

/** Every data request names the data version, so responses are immutable and cached. */
export function createApi(dataVersion: string | null) {
  const v = dataVersion ?? undefined;
  // Responses of one data version never change: each is fetched once (switching back costs nothing).
  const seen = new Map<string, Promise<unknown>>();
  const get = <T>(url: string): Promise<T> => {
    let p = seen.get(url);
    if (!p) {
      p = getJson<T>(url);
      seen.set(url, p);
      p.catch(() => seen.delete(url));
    }
    return p as Promise<T>;
  };
  return {
    values: (id: string, level: string, schuljahr: string) =>
      get<ValuesResponse>(`/api/indicators/${encodeURIComponent(id)}/values?${qs({ level, schuljahr, v })}`),
    tilejson: () => get<TileJson>(`/tiles/areas.json?${qs({ v })}`),
    areas: (level: string) => get<AreaList>(`/api/levels/${encodeURIComponent(level)}/areas?${qs({ v })}`),
    profile: (level: string, id: string) => get<Profile>(`/api/areas/${encodeURIComponent(level)}/${encodeURIComponent(id)}?${qs({ v })}`),
    areaSchools: (level: string, id: string, schuljahr: string) =>
      get<AreaSchools>(`/api/areas/${encodeURIComponent(level)}/${encodeURIComponent(id)}/schools?${qs({ schuljahr, v })}`),
    schools: () => get<{ dataVersion: string; schools: School[] }>(`/api/schools?${qs({ v })}`),
    catchment: (schulnummer: string, level: string, schuljahr: string) =>
      get<Catchment>(`/api/schools/${encodeURIComponent(schulnummer)}/catchment?${qs({ level, schuljahr, v })}`),
  };
}

export const api = {
  health: () => getJson<Health>('/api/health'),
  levels: () => getJson<z.infer<typeof S.LevelList>>('/api/levels'),
  indicators: () => getJson<IndicatorList>('/api/indicators'),
  facets: () => getJson<OfferFacets>('/api/offers/facets'),
  geocode: (q: string, signal?: AbortSignal) => getJson<GeocodeList>(`/api/geocode?${qs({ q, limit: 8 })}`, signal),
  offers: (p: {
    near?: string;
    address?: string;
    radius: number;
    category?: string;
    target?: string;
    language?: string;
    barrierFree?: boolean;
  }) => getJson<OfferList>(`/api/offers?${qs({ ...p, barrierFree: p.barrierFree ? true : undefined, limit: 50 })}`),
};

export type VersionedApi = ReturnType<typeof createApi>;
