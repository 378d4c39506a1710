/**
 * Start-up and wiring: read the view from the URL, build the map and the three
 * panels (indicator explorer, schools, Bildungsberatung finder) and keep the URL
 * in step with what is shown.
 */
import './style.css';
import { api, createApi, onVersionChanged } from './api.ts';
import { $ } from './dom.ts';
import { explorer as createExplorer, type Explorer } from './explorer.ts';
import { finderPanel } from './finder.ts';
import { labelLayer, type LabelLayer } from './labels.ts';
import { createMap, selectArea } from './map.ts';
import { profilePanel } from './profile.ts';
import { schoolsPanel } from './schools.ts';
import { type Panel, readView, writeView } from './view.ts';

/** What tests and curious users can inspect: window.quartiersmonitor. */
const exposed: Record<string, unknown> = {};
(window as unknown as { quartiersmonitor: typeof exposed }).quartiersmonitor = exposed;

/** A new publication replaced the pinned data version: start over on the new one (the URL holds the view). */
let reloading = false;
function startOver() {
  if (reloading) return;
  reloading = true;
  $('status').textContent = 'Neuer Datenstand – die Ansicht wird neu geladen …';
  location.reload();
}
onVersionChanged(startOver);

async function start() {
  const [health, { levels }, { indicators, schuljahre }] = await Promise.all([api.health(), api.levels(), api.indicators()]);
  $('city').textContent = health.municipality ?? '';
  const hasData = !!health.dataVersion && levels.length > 0 && indicators.length > 0;
  const view = readView(location.search, {
    levels: levels.map((l) => l.level),
    indicators: indicators.map((i) => i.id),
    schuljahre,
    defaultIndicator: indicators.find((i) => i.id === 'schueler_insgesamt')?.id ?? indicators[0]?.id ?? '',
  });
  if (!hasData) view.panel = 'finder';
  document.body.classList.toggle('embed', view.embed);
  exposed.view = view;

  const versioned = createApi(health.dataVersion);
  // Start what the first view needs before the map exists: its values and the data's bounds.
  if (hasData && view.panel === 'explorer') void versioned.values(view.indicator, view.level, view.schuljahr).catch(() => undefined);
  const tilejson = hasData ? await versioned.tilejson() : null;
  const map = await createMap({
    container: $('map'),
    tilejson,
    levels,
    level: view.level,
    basemap: health.basemap,
    at: view.at,
  });
  exposed.map = map;
  map.on('error', (e) => {
    // MapLibre reports a failed tile request as an AJAXError with the HTTP status.
    if ((e.error as { status?: number } | undefined)?.status === 409) startOver();
  });

  const syncUrl = () => {
    const c = map.getCenter();
    view.at = [c.lng, c.lat, map.getZoom()];
    history.replaceState(null, '', writeView(view));
  };
  map.on('moveend', syncUrl);

  let labels: LabelLayer | null = null;
  const loadLabels = async () => {
    if (!hasData) return;
    labels ??= labelLayer(map);
    const { areas } = await versioned.areas(view.level);
    labels.set(areas.map((a) => ({ id: a.areaId, name: a.name, lon: a.lon, lat: a.lat })));
    exposed.labels = labels;
  };

  let selected: { level: string; fid: number } | null = null;
  const profile = profilePanel({
    api: versioned,
    levels,
    schuljahr: () => view.schuljahr,
    closed: () => {
      view.area = '';
      selectArea(map, view.level, null, selected);
      selected = null;
      syncUrl();
    },
  });
  async function openArea(areaId: string) {
    view.area = areaId;
    const fid = explorer?.shown()?.rows.find((r) => r.areaId === areaId)?.fid ?? null;
    selectArea(map, view.level, fid, selected);
    selected = fid === null ? null : { level: view.level, fid };
    syncUrl();
    await profile.open(view.level, areaId);
  }

  let panel: Panel | null = null;
  const explorer: Explorer | null = hasData
    ? createExplorer({
        map,
        levels,
        indicators,
        schuljahre,
        view,
        api: versioned,
        active: () => panel === 'explorer',
        openArea: (id) => void openArea(id),
        changed: (what) => {
          if (what === 'level') {
            if (profile.isOpen()) profile.close();
            void loadLabels();
          }
          // Feature-state was replaced: the selected area's outline goes with it.
          if (selected) selectArea(map, selected.level, selected.fid, null);
          profile.refresh();
          syncUrl();
        },
      })
    : null;
  const schools = hasData ? schoolsPanel({ map, api: versioned, levels, view, active: () => panel === 'schools', changed: syncUrl }) : null;
  const finder = finderPanel({ map, view, changed: syncUrl });

  exposed.shown = () => explorer?.shown() ?? null;
  Object.defineProperties(exposed, {
    values: { get: () => explorer?.shown()?.values },
    breaks: { get: () => explorer?.shown()?.breaks },
    colours: { get: () => explorer?.shown()?.colours },
  });

  async function show(next: Panel) {
    if (panel === next) return;
    if (panel === 'schools') schools?.leave();
    if (panel === 'finder') finder.leave();
    panel = next;
    view.panel = next;
    for (const p of ['explorer', 'schools', 'finder'] as const) $(p).hidden = p !== next;
    for (const a of document.querySelectorAll<HTMLAnchorElement>('.tabs a')) {
      if (a.dataset.panel === next) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    document.body.dataset.panel = next;
    syncUrl();
    if (next === 'finder') await finder.enter();
    else if (!hasData) $('status').textContent = 'Es sind noch keine Daten veröffentlicht.';
    else if (next === 'explorer') explorer!.enter();
    else await schools!.enter();
  }
  for (const a of document.querySelectorAll<HTMLAnchorElement>('.tabs a')) {
    a.addEventListener('click', (e) => {
      e.preventDefault();
      void show(a.dataset.panel as Panel);
    });
  }

  $('export-png').addEventListener('click', async () => {
    const s = explorer?.shown();
    if (!s) return;
    const { mapPng } = await import('./png.ts');
    const blob = await mapPng(map, {
      title: s.title,
      legend: s.legend,
      labels: labels?.visible() ?? [],
      footer: `Quartiersmonitor ${health.municipality ?? ''} · Datenstand ${s.values.dataVersion} · ${location.href}`,
    });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${view.indicator}_${view.level}_${view.schuljahr.replace('/', '-')}.png`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    document.body.dataset.png = String(blob.size);
  });

  await show(view.panel);
  void loadLabels();
  if (view.area && hasData) {
    // Wait for the first colours so the selected area can be outlined.
    await explorer!.apply();
    await openArea(view.area).catch(() => {
      view.area = '';
      syncUrl();
    });
  }
}

start().catch((err: Error) => {
  $('status').textContent = `Fehler: ${err.message}`;
});
