/**
 * The map: areas from the versioned vector tiles, one fill, pattern and outline
 * layer per level. Colours live in feature-state, so a new indicator, year or
 * classification re-colours without loading a tile again.
 */
import * as maplibregl from 'maplibre-gl';
import type { Map as MlMap, StyleSpecification } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// MapLibre looks for its worker next to its own module; once bundled that file is
// elsewhere, so the bundler emits it as an asset and we point MapLibre to it.
// (A relative path because the package's export map does not expose dist/.)
import workerUrl from '../../node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { Level } from './api.ts';

maplibregl.setWorkerUrl(workerUrl);

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
  /** Null when nothing is published yet: a map without areas (the finder still works). */
  dataVersion: string | null;
  levels: readonly Level[];
  basemap: string | null;
  at: [number, number, number] | null;
}

export async function createMap(o: MapOptions): Promise<MlMap> {
  const own: StyleSpecification = {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#f4f4f2' } }],
  };
  const map = new maplibregl.Map({
    container: o.container,
    style: o.basemap ?? own,
    center: o.at ? [o.at[0], o.at[1]] : [7.0, 51.5],
    zoom: o.at ? o.at[2] : 10,
    attributionControl: { compact: false },
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  await new Promise<void>((resolve) => map.once('load', () => resolve()));
  map.getCanvas().setAttribute('aria-label', 'Karte der Gebiete; die Tabelle in der Auswahl nennt dieselben Werte');
  if (o.dataVersion === null) return map;
  map.addSource('areas', { type: 'vector', url: `${location.origin}/tiles/areas.json?v=${o.dataVersion}` });
  map.addImage('hatch', pattern('hatch'));
  map.addImage('dots', pattern('dots'));
  for (const l of o.levels) {
    const common = { source: 'areas', 'source-layer': l.level, layout: { visibility: 'none' as const } };
    map.addLayer({
      id: `fill-${l.level}`,
      type: 'fill',
      ...common,
      paint: { 'fill-color': ['coalesce', ['feature-state', 'colour'], NO_VALUE], 'fill-opacity': 0.85 },
    });
    map.addLayer({
      id: `hatch-${l.level}`,
      type: 'fill',
      ...common,
      paint: { 'fill-pattern': 'hatch', 'fill-opacity': ['case', ['boolean', ['feature-state', 'suppressed'], false], 1, 0] },
    });
    map.addLayer({
      id: `dots-${l.level}`,
      type: 'fill',
      ...common,
      paint: { 'fill-pattern': 'dots', 'fill-opacity': ['case', ['boolean', ['feature-state', 'missing'], false], 1, 0] },
    });
  }
  for (const l of o.levels) {
    map.addLayer({
      id: `line-${l.level}`,
      type: 'line',
      source: 'areas',
      'source-layer': l.level,
      paint: {
        'line-color': ['case', ['boolean', ['feature-state', 'selected'], false], '#000000', '#333333'],
        'line-width': ['case', ['boolean', ['feature-state', 'selected'], false], 4, 2.2 - 0.6 * l.ordinal],
        'line-opacity': 0.8,
      },
    });
  }
  if (!o.at) {
    const tj = (await (await fetch(`/tiles/areas.json?v=${o.dataVersion}`)).json()) as { bounds: [number, number, number, number] };
    map.fitBounds(tj.bounds, { padding: 20, animate: false });
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
