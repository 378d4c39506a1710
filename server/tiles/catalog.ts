import type { Feature, FeatureCollection } from 'geojson';
import { featureId } from '../../pipeline/publish/fid.ts';
import type { AreasRepository } from '../areas/repository.ts';
import type { IndicatorsRepository } from '../indicators/repository.ts';
import type { OffersRepository } from '../offers/repository.ts';
import type { SchoolsRepository } from '../schools/repository.ts';
import { areaLayers, areasTileSource } from './areas.ts';
import { type GeoJsonLayers, geojsonTileSource } from './geojson-source.ts';
import type { TileSource } from './source.ts';

/**
 * The tile catalog: every layer is a GeoJSON source cut in JavaScript, built once
 * per data version from published tables only.
 *   areas      one source-layer per level
 *   schools    points: Schulnummer, name, Schulform, Sozialindex where known
 *   offers     points: counselling and education offers
 *   gemeinden  outlines of the municipalities Einpendler come from
 * plus indicator tiles (areas with one indicator's values baked in) on demand.
 */
export interface CatalogDeps {
  areas: AreasRepository;
  schools: SchoolsRepository;
  offers: OffersRepository;
  indicators: IndicatorsRepository;
  attribution: string;
  /** Cut area tiles with ST_AsMVT (PostgreSQL with PostGIS). */
  mvt: boolean;
}

function extentOf(features: Feature[]): [number, number, number, number] | null {
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      w = Math.min(w, c[0]);
      e = Math.max(e, c[0]);
      s = Math.min(s, c[1] as number);
      n = Math.max(n, c[1] as number);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  for (const f of features) if (f.geometry && 'coordinates' in f.geometry) visit(f.geometry.coordinates);
  return Number.isFinite(w) ? [w, s, e, n] : null;
}

/** One layer named like its source, with the areas' extent as a fallback for empty layers. */
async function singleLayer(
  id: string,
  fields: Record<string, string>,
  features: Feature[],
  fallback: () => Promise<GeoJsonLayers['bounds'] | null>,
): Promise<GeoJsonLayers> {
  const data: FeatureCollection = { type: 'FeatureCollection', features };
  return { bounds: extentOf(features) ?? (await fallback()) ?? [-180, -85, 180, 85], layers: [{ id, fields, data }] };
}

const point = (lon: number, lat: number) => ({ type: 'Point' as const, coordinates: [Number(lon), Number(lat)] });

/** The layers of the catalog, as served at /tiles/{layer}.json. */
export const TILE_LAYERS = ['areas', 'schools', 'offers', 'gemeinden'] as const;

export function tileCatalog(d: CatalogDeps): {
  sources: TileSource[];
  indicatorSource: (id: string, schuljahr: string, version: string) => Promise<TileSource | null>;
} {
  const schools = geojsonTileSource({
    id: 'schools',
    attribution: d.attribution,
    async load() {
      const rows = await d.schools.list();
      const features: Feature[] = rows.map((s) => ({
        type: 'Feature',
        id: Number(s.schulnummer) || featureId('school', s.schulnummer),
        properties: {
          schulnummer: s.schulnummer,
          name: s.name,
          schulform: s.schulform,
          schulform_name: s.schulform_name,
          ...(s.sozialindex !== null ? { sozialindex: s.sozialindex } : {}),
          ...(s.startchancen !== null ? { startchancen: s.startchancen } : {}),
        },
        geometry: point(s.lon, s.lat),
      }));
      const fields = {
        schulnummer: 'String',
        name: 'String',
        schulform: 'String',
        schulform_name: 'String',
        sozialindex: 'Number',
        startchancen: 'Boolean',
      };
      return singleLayer('schools', fields, features, () => d.areas.extent());
    },
  });

  const offers = geojsonTileSource({
    id: 'offers',
    attribution: d.attribution,
    async load() {
      const rows = await d.offers.all();
      const features: Feature[] = rows.map((o) => ({
        type: 'Feature',
        id: featureId('offer', o.offer_id),
        properties: {
          offer_id: o.offer_id,
          name: o.name,
          provider: o.provider,
          categories: o.categories.join(','),
          ...(o.barrier_free !== null ? { barrier_free: o.barrier_free } : {}),
        },
        geometry: point(o.lon, o.lat),
      }));
      const fields = { offer_id: 'String', name: 'String', provider: 'String', categories: 'String', barrier_free: 'Boolean' };
      return singleLayer('offers', fields, features, () => d.areas.extent());
    },
  });

  const gemeinden = geojsonTileSource({
    id: 'gemeinden',
    attribution: d.attribution,
    async load() {
      const rows = await d.schools.gemeinden();
      const features: Feature[] = rows.map((g) => ({
        type: 'Feature',
        id: Number(g.origin_id),
        properties: { ags: g.origin_id, name: g.name },
        geometry: JSON.parse(g.geojson),
      }));
      return singleLayer('gemeinden', { ags: 'String', name: 'String' }, features, () => d.areas.extent());
    },
  });

  // Indicator sources are built on demand and kept for the few most recently used.
  const MAX_INDICATOR_SOURCES = 16;
  const indicatorSources = new Map<string, Promise<TileSource | null>>();
  async function indicatorSource(id: string, schuljahr: string, version: string): Promise<TileSource | null> {
    const key = `${version}/${id}/${schuljahr}`;
    let pending = indicatorSources.get(key);
    if (!pending) {
      pending = (async () => {
        const values = await d.indicators.allLevels(id, schuljahr);
        if (values.length === 0) return null;
        const byArea = new Map(values.map((v) => [`${v.level}\u0000${v.area_id}`, v]));
        const fields = { value: 'Number', numerator: 'Number', denominator: 'Number', suppressed: 'Boolean', reason: 'String' };
        return geojsonTileSource({
          id: `indicator_${id}`,
          attribution: d.attribution,
          load: () =>
            areaLayers(d.areas, {
              fields,
              props(level, areaId) {
                const v = byArea.get(`${level}\u0000${areaId}`);
                if (!v) return {};
                const out: Record<string, string | number | boolean> = { suppressed: v.suppressed };
                if (v.value !== null) out.value = v.value;
                if (v.numerator !== null) out.numerator = v.numerator;
                if (v.denominator !== null) out.denominator = v.denominator;
                if (v.reason !== null) out.reason = v.reason;
                return out;
              },
            }),
        });
      })();
      if (indicatorSources.size >= MAX_INDICATOR_SOURCES) indicatorSources.delete(indicatorSources.keys().next().value!);
      indicatorSources.set(key, pending);
      pending.catch(() => indicatorSources.delete(key));
    }
    return pending;
  }

  return { sources: [areasTileSource(d.areas, d.attribution, { mvt: d.mvt }), schools, offers, gemeinden], indicatorSource };
}
