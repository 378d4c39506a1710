/**
 * The indicator explorer for planners: level, indicator, Schuljahr, comparison and
 * classification → choropleth, legend, table alternative and export links.
 */
import type { Map as MlMap } from 'maplibre-gl';
import type { Indicator, Level, VersionedApi } from './api.ts';
import { choosePalette, displayUnit, formatNumber, PALETTES, paletteKind } from './classes.ts';
import { $, fillSelect, h, legendTable } from './dom.ts';
import { maplibregl, paintAreas, showLevel } from './map.ts';
import { classify, describe, paintOf, type Row, type Shown, signedFor } from './shown.ts';
import { renderTable } from './table.ts';
import { parseBreaks, type Compare, type Method, type View } from './view.ts';

export interface ExplorerDeps {
  map: MlMap;
  levels: readonly Level[];
  indicators: readonly Indicator[];
  schuljahre: readonly string[];
  view: View;
  api: VersionedApi;
  /** Called after the view changed (URL, labels, …). */
  changed: (what: 'level' | 'values') => void;
  openArea: (areaId: string) => void;
  active: () => boolean;
}

export function explorer(d: ExplorerDeps) {
  const { map, view } = d;
  let shown: Shown | null = null;
  let generation = 0;

  const indicatorOptions = (filter: string) => {
    const needle = filter.trim().toLocaleLowerCase('de');
    return d.indicators
      .filter((i) => !needle || `${i.title} ${i.theme} ${i.definition}`.toLocaleLowerCase('de').includes(needle) || i.id === view.indicator)
      .map((i) => ({ value: i.id, label: i.title, group: i.theme }));
  };

  function fillControls() {
    fillSelect(
      $('level'),
      d.levels.map((l) => ({ value: l.level, label: l.title })),
      view.level,
    );
    fillSelect($('indicator'), indicatorOptions(''), view.indicator);
    const years = d.schuljahre.map((s) => ({ value: s, label: s }));
    fillSelect($('schuljahr'), years, view.schuljahr);
    fillSelect($('ref'), years, view.ref);
    const slider = $<HTMLInputElement>('year-slider');
    slider.max = String(d.schuljahre.length - 1);
    syncControls();
  }

  function syncControls() {
    $<HTMLSelectElement>('compare').value = view.compare;
    $<HTMLSelectElement>('method').value = view.method;
    $<HTMLSelectElement>('classes').value = String(view.classes);
    $<HTMLInputElement>('breaks').value = view.breaks.map((b) => formatNumber(b)).join('; ');
    const slider = $<HTMLInputElement>('year-slider');
    slider.value = String(d.schuljahre.indexOf(view.schuljahr));
    slider.setAttribute('aria-valuetext', view.schuljahr);
    document.body.dataset.compare = view.compare;
    document.body.dataset.method = view.method;
    const polarity = d.indicators.find((i) => i.id === view.indicator)?.polarity ?? 'neutral';
    const kind = paletteKind(view.compare);
    const current = choosePalette(view.palette, polarity, view.compare);
    fillSelect(
      $('palette'),
      PALETTES.filter((p) => p.kind === kind).map((p) => ({ value: p.id, label: p.title })),
      current.id,
    );
  }

  function renderAbout() {
    const i = d.indicators.find((x) => x.id === view.indicator)!;
    const entries: [string, string][] = [
      ['Definition', i.definition],
      ['Zähler', i.numerator],
      ['Nenner', i.denominator ?? '–'],
      ['Einheit', i.unit],
      ['Räumlicher Bezug', i.reference],
      ['Stichtag', i.stichtag],
      [
        'Richtung',
        i.polarity === 'higher_is_worse' ? 'höher = mehr Bedarf' : i.polarity === 'higher_is_better' ? 'höher = besser' : 'neutral',
      ],
      ['Quelle', i.source],
      ['Hinweise', i.caveats || '–'],
    ];
    $('about-list').replaceChildren(...entries.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  }

  function renderLegend(s: Shown) {
    const city = s.values.city;
    $('legend').replaceChildren(
      h('h2', { class: 'legend-title' }, s.title),
      legendTable(s.legend, 'Legende: Klassen und Anzahl der Gebiete'),
      h(
        'p',
        { class: 'city' },
        city?.value != null
          ? `Stadt insgesamt: ${formatNumber(city.value)}${displayUnit(s.values.indicator.unit, 'none')}`
          : 'Stadt insgesamt: –',
      ),
    );
  }

  function renderTableFor(s: Shown) {
    const signed = signedFor(view.compare);
    const fmt = (v: number | null, sign = false) => (v === null ? '–' : formatNumber(v, sign));
    renderTable<Row>(
      $('table'),
      `${s.title}, ${d.levels.find((l) => l.level === view.level)?.title ?? view.level}`,
      [
        {
          key: 'name',
          title: 'Gebiet',
          value: (r) => r.name,
          cell: (r) => h('button', { type: 'button', class: 'link', onclick: () => d.openArea(r.areaId) }, r.name),
        },
        {
          key: 'shown',
          title: view.compare === 'none' ? `Wert${s.unit ? ` (${s.unit.trim()})` : ''}` : `Differenz${s.unit ? ` (${s.unit.trim()})` : ''}`,
          value: (r) => r.shown,
          cell: (r) => (r.suppressed ? 'geheim' : fmt(r.shown, signed)),
          numeric: true,
        },
        ...(view.compare === 'none'
          ? []
          : [{ key: 'value', title: `Wert ${view.schuljahr}`, value: (r: Row) => r.value, cell: (r: Row) => fmt(r.value), numeric: true }]),
        { key: 'numerator', title: 'Zähler', value: (r) => r.numerator, cell: (r) => fmt(r.numerator), numeric: true },
        { key: 'denominator', title: 'Nenner', value: (r) => r.denominator, cell: (r) => fmt(r.denominator), numeric: true },
        { key: 'rank', title: 'Rang', value: (r) => r.rank, cell: (r) => fmt(r.rank), numeric: true },
        { key: 'cls', title: 'Klasse', value: (r) => r.cls, cell: (r) => (r.cls === null ? '–' : String(r.cls + 1)), numeric: true },
      ],
      s.rows,
      { key: 'name', dir: 'ascending' },
    );
  }

  function renderExports() {
    const q = new URLSearchParams({ indicators: view.indicator, schuljahr: view.schuljahr });
    for (const ext of ['csv', 'xlsx', 'geojson']) {
      const a = $<HTMLAnchorElement>(`export-${ext}`);
      a.href = `/api/export/${encodeURIComponent(view.level)}.${ext}?${q}`;
      a.setAttribute('aria-label', `${ext === 'xlsx' ? 'Excel' : ext.toUpperCase()}: ${view.indicator}, ${view.schuljahr} herunterladen`);
    }
  }

  async function apply() {
    if (!d.active()) return;
    const mine = ++generation;
    $('status').textContent = 'Lade Werte …';
    const [cur, ref] = await Promise.all([
      d.api.values(view.indicator, view.level, view.schuljahr),
      view.compare === 'year' ? d.api.values(view.indicator, view.level, view.ref) : Promise.resolve(null),
    ]);
    if (mine !== generation) return;
    shown = classify(view, cur, ref);
    showLevel(map, d.levels, view.level);
    paintAreas(map, view.level, paintOf(shown));
    renderAbout();
    renderLegend(shown);
    renderTableFor(shown);
    renderExports();
    $('status').textContent = `Datenstand ${cur.dataVersion}`;
    d.changed('values');
    document.body.dataset.ready = `${view.indicator}|${view.level}|${view.schuljahr}`;
  }

  // Controls → view. Each control changes one field; apply() does the rest.
  $('controls').addEventListener('submit', (e) => e.preventDefault());
  $('controls').addEventListener('change', (e) => {
    const el = e.target as HTMLSelectElement | HTMLInputElement;
    const levelBefore = view.level;
    switch (el.id) {
      case 'level':
        view.level = el.value;
        view.area = '';
        break;
      case 'indicator':
        view.indicator = el.value;
        break;
      case 'schuljahr':
        view.schuljahr = el.value;
        break;
      case 'year-slider':
        view.schuljahr = d.schuljahre[Number(el.value)]!;
        $<HTMLSelectElement>('schuljahr').value = view.schuljahr;
        break;
      case 'ref':
        view.ref = el.value;
        break;
      case 'compare':
        view.compare = el.value as Compare;
        view.palette = '';
        break;
      case 'method':
        view.method = el.value as Method;
        break;
      case 'classes':
        view.classes = Number(el.value);
        break;
      case 'palette':
        view.palette = el.value;
        break;
      case 'breaks':
        view.breaks = parseBreaks(el.value);
        break;
      default:
        return;
    }
    syncControls();
    if (view.level !== levelBefore) d.changed('level');
    void apply();
  });
  // The slider re-colours while it moves (keyboard arrows included), not only on release.
  $('year-slider').addEventListener('input', (e) => {
    const idx = Number((e.target as HTMLInputElement).value);
    if (d.schuljahre[idx] === view.schuljahr) return;
    view.schuljahr = d.schuljahre[idx]!;
    $<HTMLSelectElement>('schuljahr').value = view.schuljahr;
    syncControls();
    void apply();
  });
  $('indicator-search').addEventListener('input', (e) => {
    fillSelect($('indicator'), indicatorOptions((e.target as HTMLInputElement).value), view.indicator);
  });

  // Hover tooltip with value, numerator and denominator.
  const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false, maxWidth: '280px' });
  map.on('mousemove', (e) => {
    if (!d.active() || !shown) return;
    const f = map.queryRenderedFeatures(e.point, { layers: [`fill-${view.level}`] })[0];
    const r = f && shown.rows.find((x) => x.fid === f.id);
    if (!f || !r) {
      popup.remove();
      map.getCanvas().style.cursor = '';
      return;
    }
    map.getCanvas().style.cursor = 'pointer';
    const lines: (string | HTMLElement)[] = [h('strong', {}, r.name), h('br'), describe(r, shown, view.compare)];
    if (!r.suppressed && r.numerator !== null)
      lines.push(h('br'), r.denominator !== null ? `${r.numerator} von ${r.denominator}` : `${r.numerator} Fälle`);
    if (view.compare !== 'none' && r.value !== null && r.refValue !== null) {
      const against = view.compare === 'year' ? view.ref : 'Stadt';
      lines.push(h('br'), `${view.schuljahr}: ${formatNumber(r.value)} · ${against}: ${formatNumber(r.refValue)}`);
    }
    popup
      .setLngLat(e.lngLat)
      .setDOMContent(h('div', {}, lines))
      .addTo(map);
  });
  map.on('mouseout', () => popup.remove());
  map.on('click', (e) => {
    if (!d.active()) return;
    const f = map.queryRenderedFeatures(e.point, { layers: [`fill-${view.level}`] })[0];
    const r = f && shown?.rows.find((x) => x.fid === f.id);
    if (r) d.openArea(r.areaId);
  });

  fillControls();
  return {
    apply,
    shown: () => shown,
    enter() {
      syncControls();
      void apply();
    },
  };
}

export type Explorer = ReturnType<typeof explorer>;
