/**
 * Schools by Schulform with Sozialindex; a school's Einzugsbereich (share of its
 * pupils per residence area) on the map; for an area, where its pupils go to school.
 */
import type { Map as MlMap } from 'maplibre-gl';
import type { AreaSchools, Catchment, Level, School, VersionedApi } from './api.ts';
import { breaksOf, choosePalette, coloursFor, classOf, formatNumber, legendRows } from './classes.ts';
import { $, fillSelect, h, legendTable, swatch } from './dom.ts';
import { type AreaPaint, maplibregl, paintAreas, showLevel } from './map.ts';
import { renderTable } from './table.ts';
import type { View } from './view.ts';

// Categorical colours (Okabe–Ito, safe for colour-vision deficiencies); the Schulform is also written in popup and table.
const FORM_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

const pct = (share: number | null) => (share === null ? 'geheim' : `${formatNumber(share * 100)} %`);

export function schoolsPanel(d: {
  map: MlMap;
  api: VersionedApi;
  levels: readonly Level[];
  view: View;
  changed: () => void;
  active: () => boolean;
}) {
  const { map, view } = d;
  let schools: School[] = [];
  let forms: string[] = [];
  let highlighted: string[] = [];

  const formColour = (schulform: string) => FORM_COLOURS[Math.max(0, forms.indexOf(schulform)) % FORM_COLOURS.length]!;

  async function load() {
    schools = (await d.api.schools()).schools.sort((a, b) => a.name.localeCompare(b.name, 'de'));
    forms = [...new Set(schools.map((s) => s.schulform))].sort();
    map.addSource('schools', {
      type: 'geojson',
      promoteId: 'schulnummer',
      data: {
        type: 'FeatureCollection',
        features: schools.map((s) => ({
          type: 'Feature',
          properties: { schulnummer: s.schulnummer, name: s.name, schulform: s.schulform, colour: formColour(s.schulform) },
          geometry: { type: 'Point', coordinates: [s.lon, s.lat] },
        })),
      },
    });
    map.addLayer({
      id: 'schools',
      type: 'circle',
      source: 'schools',
      layout: { visibility: 'none' },
      paint: {
        'circle-color': ['get', 'colour'],
        'circle-radius': ['case', ['boolean', ['feature-state', 'highlight'], false], 9, 5],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': ['case', ['boolean', ['feature-state', 'selected'], false], 3, 1],
      },
    });
    const names = new Map(schools.map((s) => [s.schulform, s.schulformName]));
    fillSelect(
      $('schulform'),
      [{ value: '', label: 'Alle Schulformen' }, ...forms.map((f) => ({ value: f, label: names.get(f) ?? f }))],
      '',
    );
    fillSchools('');
    $('schulform').addEventListener('change', (e) => {
      const f = (e.target as HTMLSelectElement).value;
      fillSchools(f);
      map.setFilter('schools', f ? ['==', ['get', 'schulform'], f] : null);
    });
    $('school').addEventListener('change', (e) => void select((e.target as HTMLSelectElement).value));

    const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false });
    map.on('mousemove', 'schools', (e) => {
      const s = schools.find((x) => x.schulnummer === e.features?.[0]?.properties?.schulnummer);
      if (!s) return;
      map.getCanvas().style.cursor = 'pointer';
      popup
        .setLngLat([s.lon, s.lat])
        .setDOMContent(
          h('div', {}, h('strong', {}, s.name), h('br'), s.schulformName, s.sozialindex ? [h('br'), `Sozialindex ${s.sozialindex}`] : null),
        )
        .addTo(map);
    });
    map.on('mouseleave', 'schools', () => {
      popup.remove();
      map.getCanvas().style.cursor = '';
    });
    map.on('click', (e) => {
      if (!d.active()) return;
      const school = map.queryRenderedFeatures(e.point, { layers: ['schools'] })[0];
      if (school) return void select(String(school.properties.schulnummer));
      const area = map.queryRenderedFeatures(e.point, { layers: [`fill-${view.level}`] })[0];
      if (area) void areaSchools(String(area.properties.area_id));
    });
  }

  function fillSchools(schulform: string) {
    fillSelect(
      $('school'),
      [
        { value: '', label: 'Schule wählen …' },
        ...schools.filter((s) => !schulform || s.schulform === schulform).map((s) => ({ value: s.schulnummer, label: s.name })),
      ],
      view.school,
    );
  }

  function renderSchoolList() {
    $('schools-legend').replaceChildren(
      h('h3', {}, 'Schulformen'),
      h(
        'ul',
        { class: 'plain' },
        forms.map((f) => h('li', {}, swatch('colour', formColour(f)), ' ', schools.find((s) => s.schulform === f)!.schulformName)),
      ),
    );
    renderTable<School>(
      $('schools-table'),
      'Schulen',
      [
        {
          key: 'name',
          title: 'Schule',
          value: (s) => s.name,
          cell: (s) => h('button', { type: 'button', class: 'link', onclick: () => void select(s.schulnummer) }, s.name),
        },
        { key: 'form', title: 'Schulform', value: (s) => s.schulformName },
        { key: 'sozialindex', title: 'Sozialindex', value: (s) => s.sozialindex, numeric: true },
      ],
      schools,
      { key: 'name', dir: 'ascending' },
    );
  }

  function highlight(ids: string[]) {
    for (const id of highlighted) map.setFeatureState({ source: 'schools', id }, { highlight: false, selected: false });
    highlighted = ids;
    for (const id of ids) map.setFeatureState({ source: 'schools', id }, { highlight: true, selected: id === view.school });
  }

  async function select(schulnummer: string) {
    view.school = schulnummer;
    $<HTMLSelectElement>('school').value = schulnummer;
    d.changed();
    if (!schulnummer) {
      highlight([]);
      paintAreas(map, view.level, new Map());
      renderSchoolList();
      return;
    }
    const c = await d.api.catchment(schulnummer, view.level, view.schuljahr);
    renderCatchment(c);
  }

  function renderCatchment(c: Catchment) {
    highlight([c.school.schulnummer]);
    const shares = c.areas.flatMap((a) => (a.share === null ? [] : [a.share * 100]));
    const k = Math.min(5, new Set(shares).size);
    const breaks = k >= 2 ? breaksOf('quantile', shares, k) : shares.length ? [Math.min(...shares), Math.max(...shares)] : [];
    const colours = breaks.length ? coloursFor(choosePalette('lila', 'neutral', 'none'), breaks.length - 1, 'neutral') : [];
    const paint = new Map<number, AreaPaint>(
      c.areas.map((a) => [
        a.fid,
        { colour: a.share === null ? null : colours[classOf(a.share * 100, breaks)]!, suppressed: a.suppressed, missing: false },
      ]),
    );
    showLevel(map, d.levels, c.level);
    paintAreas(map, c.level, paint);
    const secret = c.areas.filter((a) => a.suppressed).length;
    const legend = {
      rows: legendRows(
        c.areas.map((a) => (a.share === null ? null : a.share * 100)),
        breaks,
        colours,
        ' %',
      ),
      extra: secret ? [{ kind: 'hatch' as const, label: 'geheim (zu wenige Fälle)', count: secret }] : [],
    };
    $('schools-legend').replaceChildren(
      h('h3', {}, `Einzugsbereich ${c.school.name} (${c.schuljahr})`),
      h('p', {}, `${c.total.count ?? 'geheim'} Schülerinnen und Schüler; Anteil je Wohngebiet`),
      legendTable(legend, 'Legende: Anteil der Schülerinnen und Schüler je Wohngebiet'),
    );
    renderTable<Catchment['areas'][number]>(
      $('schools-table'),
      `Wohngebiete der Schülerinnen und Schüler: ${c.school.name}`,
      [
        { key: 'name', title: 'Wohngebiet', value: (a) => a.name },
        {
          key: 'count',
          title: 'Anzahl',
          value: (a) => a.count,
          cell: (a) => (a.count === null ? 'geheim' : String(a.count)),
          numeric: true,
        },
        { key: 'share', title: 'Anteil', value: (a) => a.share, cell: (a) => pct(a.share), numeric: true },
      ],
      c.areas,
      { key: 'share', dir: 'descending' },
    );
    document.body.dataset.catchment = c.school.schulnummer;
  }

  async function areaSchools(areaId: string) {
    const a: AreaSchools = await d.api.areaSchools(view.level, areaId, view.schuljahr);
    highlight(a.schools.map((s) => s.schulnummer));
    $('schools-legend').replaceChildren(
      h('h3', {}, `Wo die Kinder aus ${a.area.name} zur Schule gehen (${a.schuljahr})`),
      h('p', {}, `${a.total.count ?? 'geheim'} Schülerinnen und Schüler wohnen hier; vergrößerte Punkte: ihre Schulen`),
    );
    renderTable<AreaSchools['schools'][number]>(
      $('schools-table'),
      `Schulen der Kinder aus ${a.area.name}`,
      [
        { key: 'name', title: 'Schule', value: (s) => s.name },
        { key: 'form', title: 'Schulform', value: (s) => s.schulformName },
        {
          key: 'count',
          title: 'Anzahl',
          value: (s) => s.count,
          cell: (s) => (s.count === null ? 'geheim' : String(s.count)),
          numeric: true,
        },
        { key: 'share', title: 'Anteil', value: (s) => s.share, cell: (s) => pct(s.share), numeric: true },
      ],
      a.schools,
      { key: 'share', dir: 'descending' },
    );
    document.body.dataset.areaSchools = a.area.areaId;
  }

  let loaded: Promise<void> | null = null;
  return {
    async enter() {
      loaded ??= load();
      await loaded;
      map.setLayoutProperty('schools', 'visibility', 'visible');
      showLevel(map, d.levels, view.level);
      if (view.school) await select(view.school);
      else {
        paintAreas(map, view.level, new Map());
        renderSchoolList();
      }
    },
    leave() {
      if (loaded) map.setLayoutProperty('schools', 'visibility', 'none');
      highlight([]);
    },
  };
}

export type SchoolsPanel = ReturnType<typeof schoolsPanel>;
