import * as maplibregl from 'maplibre-gl';
import type { Map as MlMap } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// MapLibre looks for its worker next to its own module; once bundled that file is
// elsewhere, so the bundler emits it as an asset and we point MapLibre to it.
// (A relative path because the package's export map does not expose dist/.)
import workerUrl from '../../node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import './style.css';
import { api, type Indicator, type Level, type ValuesResponse } from './api.ts';
import { classOf, formatNumber, palette } from './classes.ts';

maplibregl.setWorkerUrl(workerUrl);

const CLASSES = 5;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

interface View {
  level: string;
  indicator: string;
  schuljahr: string;
}

/** The current view, for people (URL) and for tests (window.quartiersmonitor). */
const state: { map?: MlMap; values?: ValuesResponse; breaks?: number[]; colours?: string[] } = {};
(window as unknown as { quartiersmonitor: typeof state }).quartiersmonitor = state;

function hatchImage(): { width: number; height: number; data: Uint8Array } {
  const size = 8;
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const on = (x + y) % size === 0;
      const o = (y * size + x) * 4;
      data.set(on ? [80, 80, 80, 255] : [220, 220, 220, 255], o);
    }
  }
  return { width: size, height: size, data };
}

function readView(levels: Level[], indicators: Indicator[], schuljahre: string[]): View {
  const q = new URLSearchParams(location.search);
  const pick = (v: string | null, allowed: string[], fallback: string) => (v && allowed.includes(v) ? v : fallback);
  return {
    level: pick(
      q.get('level'),
      levels.map((l) => l.level),
      levels[levels.length - 1]!.level,
    ),
    indicator: pick(
      q.get('indicator'),
      indicators.map((i) => i.id),
      indicators.find((i) => i.id === 'schueler_insgesamt')?.id ?? indicators[0]!.id,
    ),
    schuljahr: pick(q.get('schuljahr'), schuljahre, schuljahre[schuljahre.length - 1]!),
  };
}

function fillSelect(select: HTMLSelectElement, options: { value: string; label: string; group?: string }[], selected: string) {
  select.replaceChildren();
  const groups = new Map<string, HTMLOptGroupElement>();
  for (const o of options) {
    const opt = new Option(o.label, o.value, false, o.value === selected);
    if (o.group) {
      let g = groups.get(o.group);
      if (!g) {
        g = document.createElement('optgroup');
        g.label = o.group;
        groups.set(o.group, g);
        select.append(g);
      }
      g.append(opt);
    } else select.append(opt);
  }
}

function renderLegend(values: ValuesResponse, breaks: number[], colours: string[]) {
  const counts = new Array<number>(colours.length).fill(0);
  for (const v of values.values) if (v.value !== null) counts[classOf(v.value, breaks)]!++;
  const unit = values.indicator.unit === 'Anzahl' ? '' : ` ${values.indicator.unit}`;
  const rows = colours.map((c, i) => {
    const from = formatNumber(breaks[i]!);
    const to = formatNumber(breaks[i + 1]!);
    const label = i === colours.length - 1 ? `von ${from} bis ${to}${unit}` : `von ${from} bis unter ${to}${unit}`;
    return `<tr><td><span class="swatch" style="background:${c}"></span></td><td>${label}</td><td>${counts[i]} Gebiete</td></tr>`;
  });
  if (values.stats.suppressed > 0) {
    rows.push(
      `<tr><td><span class="swatch hatch"></span></td><td>geheim (weniger als ${values.disclosure.minCount} Fälle)</td><td>${values.stats.suppressed} Gebiete</td></tr>`,
    );
  }
  if (values.stats.missing > 0)
    rows.push(`<tr><td><span class="swatch missing"></span></td><td>keine Daten</td><td>${values.stats.missing} Gebiete</td></tr>`);
  $('legend').innerHTML = `<h2 style="font-size:1rem">${values.indicator.title} (${values.schuljahr})</h2><table>${rows.join('')}</table>`;
}

async function start() {
  const [health, { levels }, { indicators, schuljahre }] = await Promise.all([api.health(), api.levels(), api.indicators()]);
  if (!health.dataVersion || levels.length === 0) {
    $('status').textContent = 'Es sind noch keine Daten veröffentlicht.';
    return;
  }
  $('city').textContent = health.municipality ?? '';
  const view = readView(levels, indicators, schuljahre);
  fillSelect(
    $('level'),
    levels.map((l) => ({ value: l.level, label: l.title })),
    view.level,
  );
  fillSelect(
    $('indicator'),
    indicators.map((i) => ({ value: i.id, label: i.title, group: i.theme })),
    view.indicator,
  );
  fillSelect(
    $('schuljahr'),
    schuljahre.map((s) => ({ value: s, label: s })),
    view.schuljahr,
  );

  const map = new maplibregl.Map({
    container: 'map',
    style: {
      version: 8,
      sources: { areas: { type: 'vector', url: `${location.origin}/tiles/areas.json?v=${health.dataVersion}` } },
      layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#f4f4f2' } }],
    },
    center: [7.0, 51.5],
    zoom: 10,
    attributionControl: { compact: false },
  });
  state.map = map;
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.on('load', () => {
    map.addImage('hatch', hatchImage());
    for (const l of levels) {
      const visibility = l.level === view.level ? 'visible' : 'none';
      map.addLayer({
        id: `fill-${l.level}`,
        type: 'fill',
        source: 'areas',
        'source-layer': l.level,
        layout: { visibility },
        paint: { 'fill-color': ['coalesce', ['feature-state', 'colour'], '#ffffff'], 'fill-opacity': 0.85 },
      });
      map.addLayer({
        id: `hatch-${l.level}`,
        type: 'fill',
        source: 'areas',
        'source-layer': l.level,
        layout: { visibility },
        paint: { 'fill-pattern': 'hatch', 'fill-opacity': ['case', ['boolean', ['feature-state', 'suppressed'], false], 1, 0] },
      });
    }
    for (const l of levels) {
      map.addLayer({
        id: `line-${l.level}`,
        type: 'line',
        source: 'areas',
        'source-layer': l.level,
        paint: { 'line-color': '#333', 'line-width': 2.2 - 0.6 * l.ordinal, 'line-opacity': 0.8 },
      });
    }
    void apply();
  });
  map.once('sourcedata', async () => {
    const tj = (await (await fetch(`/tiles/areas.json?v=${health.dataVersion}`)).json()) as { bounds: [number, number, number, number] };
    map.fitBounds(tj.bounds, { padding: 20, animate: false });
  });

  const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false });
  map.on('mousemove', (e) => {
    const features = map.queryRenderedFeatures(e.point, { layers: [`fill-${view.level}`] });
    const f = features[0];
    const v = f && state.values?.values.find((x) => x.fid === f.id);
    if (!f || !v) {
      popup.remove();
      map.getCanvas().style.cursor = '';
      return;
    }
    map.getCanvas().style.cursor = 'pointer';
    const value = v.suppressed
      ? `geheim (weniger als ${state.values!.disclosure.minCount} Fälle)`
      : v.value === null
        ? 'keine Daten'
        : `${formatNumber(v.value)}${state.values!.indicator.unit === 'Anzahl' ? '' : ' ' + state.values!.indicator.unit}`;
    const ratio = v.denominator !== null && v.numerator !== null ? `<br>${v.numerator} von ${v.denominator}` : '';
    popup.setLngLat(e.lngLat).setHTML(`<strong>${v.name}</strong><br>${value}${ratio}`).addTo(map);
  });

  let generation = 0;
  async function apply() {
    const mine = ++generation;
    $('status').textContent = 'Lade Werte …';
    const values = await api.values(view.indicator, view.level, view.schuljahr, health.dataVersion!);
    if (mine !== generation) return;
    const breaks = values.stats.breaks.quantile[String(CLASSES)] ?? [];
    const colours = palette(values.indicator.polarity, Math.max(1, breaks.length - 1));
    Object.assign(state, { values, breaks, colours });
    for (const l of levels) {
      const vis = l.level === view.level ? 'visible' : 'none';
      map.setLayoutProperty(`fill-${l.level}`, 'visibility', vis);
      map.setLayoutProperty(`hatch-${l.level}`, 'visibility', vis);
    }
    map.removeFeatureState({ source: 'areas', sourceLayer: view.level });
    for (const v of values.values) {
      map.setFeatureState(
        { source: 'areas', sourceLayer: view.level, id: v.fid },
        {
          colour: v.value === null ? '#ffffff' : colours[classOf(v.value, breaks)],
          suppressed: v.suppressed,
          cls: v.value === null ? -1 : classOf(v.value, breaks),
        },
      );
    }
    const ind = indicators.find((i) => i.id === view.indicator)!;
    $('definition').textContent = ind.definition;
    renderLegend(values, breaks, colours);
    $('status').textContent = `Datenstand ${values.dataVersion}`;
    history.replaceState(null, '', `?${new URLSearchParams({ ...view })}`);
    document.body.dataset.ready = `${view.indicator}|${view.level}|${view.schuljahr}`;
  }

  $('controls').addEventListener('change', () => {
    view.level = ($('level') as HTMLSelectElement).value;
    view.indicator = ($('indicator') as HTMLSelectElement).value;
    view.schuljahr = ($('schuljahr') as HTMLSelectElement).value;
    if (map.loaded() || map.isStyleLoaded()) void apply();
  });
}

start().catch((err: Error) => {
  $('status').textContent = `Fehler: ${err.message}`;
});
