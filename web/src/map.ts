/**
 * The map: areas from the versioned vector tiles, one fill, pattern and outline
 * layer per level. Colours live in feature-state, so a new indicator, year or
 * classification re-colours without loading a tile again.
 */
import * as maplibregl from 'maplibre-gl';
import type { LayerSpecification, Map as MlMap, StyleSpecification } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// MapLibre looks for its worker next to its own module; once bundled that file is
// elsewhere, so the bundler emits it as an asset and we point MapLibre to it.
// (A relative path because the package's export map does not expose dist/.)
import workerUrl from '../../node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { Level, TileJson } from './api.ts';

maplibregl.setWorkerUrl(workerUrl);
// Start the tile workers now: they load and compile while the first API answers travel.
maplibregl.prewarm();

export { maplibregl };

/** What a painted area shows; a null colour means "no colour", e.g. no value. */
export interface AreaPaint {
  colour: string | null;
  suppressed: boolean;
  missing: boolean;
}

export const NO_VALUE = '#ffffff';

function pattern(kind: 'hatch' | 'dots'): { width: number; height: number; data: Uint8Array } {
  const size = 8;
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const on = kind === 'hatch' ? (x + y) % size === 0 : x % 4 === 1 && y % 4 === 1;
      data.set(on ? [70, 70, 70, 255] : [235, 235, 235, 255], (y * size + x) * 4);
    }
  }
  return { width: size, height: size, data };
}

export interface MapOptions {
  container: HTMLElement;
  /** The areas' TileJSON; null when nothing is published yet: a map without areas (the finder still works). */
  tilejson: TileJson | null;
  levels: readonly Level[];
  /** The level shown first. */
  level: string;
  basemap: string | null;
  /** [lon, lat, zoom] from the URL, else the data's bounds. */
  at: [number, number, number] | null;
}

function areaLayers(levels: readonly Level[], visible: string): LayerSpecification[] {
  const fills = levels.flatMap((l): LayerSpecification[] => {
    const common = {
      source: 'areas',
      'source-layer': l.level,
      layout: { visibility: l.level === visible ? ('visible' as const) : ('none' as const) },
    };
    return [
      {
        id: `fill-${l.level}`,
        type: 'fill',
        ...common,
        paint: { 'fill-color': ['coalesce', ['feature-state', 'colour'], NO_VALUE], 'fill-opacity': 0.85 },
      },
      {
        id: `hatch-${l.level}`,
        type: 'fill',
        ...common,
        paint: { 'fill-pattern': 'hatch', 'fill-opacity': ['case', ['boolean', ['feature-state', 'suppressed'], false], 1, 0] },
      },
      {
        id: `dots-${l.level}`,
        type: 'fill',
        ...common,
        paint: { 'fill-pattern': 'dots', 'fill-opacity': ['case', ['boolean', ['feature-state', 'missing'], false], 1, 0] },
      },
    ];
  });
  const lines = levels.map((l): LayerSpecification => ({
    id: `line-${l.level}`,
    type: 'line',
    source: 'areas',
    'source-layer': l.level,
    paint: {
      'line-color': ['case', ['boolean', ['feature-state', 'selected'], false], '#000000', '#333333'],
      'line-width': ['case', ['boolean', ['feature-state', 'selected'], false], 4, 2.2 - 0.6 * l.ordinal],
      'line-opacity': 0.8,
    },
  }));
  return [...fills, ...lines];
}

/**
 * Sources and layers are part of the first style, and the view starts at its final
 * bounds, so tiles are requested as soon as MapLibre runs — not after a load event
 * and a second fit.
 */
export async function createMap(o: MapOptions): Promise<MlMap> {
  // The TileJSON inline, as the app has it already: MapLibre asks for tiles without fetching it again.
  const tj = o.tilejson;
  const areas: StyleSpecification['sources'] = tj
    ? {
        areas: {
          type: 'vector',
          tiles: tj.tiles,
          minzoom: tj.minzoom,
          maxzoom: tj.maxzoom,
          bounds: tj.bounds,
          attribution: tj.attribution,
        },
      }
    : {};
  const layers = tj ? areaLayers(o.levels, o.level) : [];
  const own: StyleSpecification = {
    version: 8,
    sources: areas,
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#f4f4f2' } }, ...layers],
  };
  const map = new maplibregl.Map({
    container: o.container,
    style: o.basemap ?? own,
    ...(o.at
      ? { center: [o.at[0], o.at[1]] as [number, number], zoom: o.at[2] }
      : tj
        ? { bounds: tj.bounds, fitBoundsOptions: { padding: 20 } }
        : { center: [7.0, 51.5] as [number, number], zoom: 10 }),
    attributionControl: { compact: false },
  });
  map.on('styleimagemissing', (e: { id: string }) => {
    if (e.id === 'hatch' || e.id === 'dots') map.addImage(e.id, pattern(e.id));
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  // The style, not the first complete frame ('load' waits for every tile): colours set now are in that frame.
  await new Promise<void>((resolve) => map.once('style.load', () => resolve()));
  map.getCanvas().setAttribute('aria-label', 'Karte der Gebiete; die Tabelle in der Auswahl nennt dieselben Werte');
  if (o.basemap && tj) {
    // A configured basemap has its own style: our areas go on top of it.
    map.addSource('areas', areas.areas!);
    for (const l of layers) map.addLayer(l);
  }
  return map;
}

export function showLevel(map: MlMap, levels: readonly Level[], level: string) {
  for (const l of levels) {
    for (const kind of ['fill', 'hatch', 'dots'])
      map.setLayoutProperty(`${kind}-${l.level}`, 'visibility', l.level === level ? 'visible' : 'none');
  }
}

/** Replaces the paint of every area of a level (feature-state; no tile is reloaded). */
export function paintAreas(map: MlMap, level: string, paint: ReadonlyMap<number, AreaPaint>) {
  map.removeFeatureState({ source: 'areas', sourceLayer: level });
  for (const [fid, p] of paint) {
    map.setFeatureState(
      { source: 'areas', sourceLayer: level, id: fid },
      { colour: p.colour ?? NO_VALUE, suppressed: p.suppressed, missing: p.missing },
    );
  }
}

export function selectArea(map: MlMap, level: string, fid: number | null, previous: { level: string; fid: number } | null) {
  if (previous) map.setFeatureState({ source: 'areas', sourceLayer: previous.level, id: previous.fid }, { selected: false });
  if (fid !== null) map.setFeatureState({ source: 'areas', sourceLayer: level, id: fid }, { selected: true });
}
