/**
 * The Bildungsberatung finder: public, mobile first, plain language, German,
 * English and Arabic (right to left). Works without any indicator data: it needs
 * only the offers and the address gazetteer.
 */
import type { Map as MlMap, Marker } from 'maplibre-gl';
import { api, ApiError, type Offer, type OfferFacets } from './api.ts';
import { $, fillSelect, h } from './dom.ts';
import { dirOf, formatKm, LANGUAGE_NAMES, t, type MessageKey } from './i18n.ts';
import { maplibregl } from './map.ts';
import { LANGS, type Lang, type View } from './view.ts';

const RADII = [500, 1000, 2000, 5000, 10000];

function languageName(lang: Lang, code: string): string {
  try {
    return new Intl.DisplayNames([lang], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function finderPanel(d: { map: MlMap | null; view: View; changed: () => void }) {
  const root = $('finder');
  const view = d.view;
  let facets: OfferFacets = { dataVersion: null, categories: [], targets: [], languages: [] };
  let suggestions: { label: string; lon: number; lat: number }[] = [];
  let markers: Marker[] = [];
  let last: { offers: Offer[]; origin: { lon: number; lat: number; label: string | null } } | null = null;
  let typing: AbortController | null = null;
  const tr = (key: MessageKey, params?: Record<string, string | number>) => t(view.lang, key, params);

  function render() {
    root.lang = view.lang;
    root.dir = dirOf(view.lang);
    const field = (id: string, label: string, control: HTMLElement) =>
      h('div', { class: 'field' }, h('label', { for: id }, label), control);
    const select = (id: string, values: string[], name: (v: string) => string) => {
      const s = h('select', { id });
      fillSelect(s, [{ value: '', label: tr('all') }, ...values.map((v) => ({ value: v, label: name(v) }))], '');
      return s;
    };
    const radius = h('select', { id: 'finder-radius' });
    fillSelect(
      radius,
      RADII.map((r) => ({ value: String(r), label: r < 1000 ? `${r} m` : `${formatKm(view.lang, r)} km` })),
      '2000',
    );
    const langSelect = h('select', { id: 'finder-lang' });
    fillSelect(
      langSelect,
      LANGS.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] })),
      view.lang,
    );
    langSelect.addEventListener('change', () => {
      view.lang = langSelect.value as Lang;
      d.changed();
      render();
      if (last) showResults(last.offers, last.origin);
    });
    root.replaceChildren(
      h('h2', {}, tr('title')),
      h('p', {}, tr('intro')),
      field('finder-lang', tr('pageLanguage'), langSelect),
      h(
        'form',
        { id: 'finder-form', role: 'search', onsubmit: submit },
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'finder-address' }, tr('address')),
          h('input', {
            id: 'finder-address',
            type: 'text',
            list: 'finder-suggestions',
            autocomplete: 'off',
            'aria-describedby': 'finder-address-hint',
            oninput: suggest,
          }),
          h('p', { id: 'finder-address-hint', class: 'hint' }, tr('addressHint')),
          h('datalist', { id: 'finder-suggestions' }),
        ),
        h(
          'div',
          { class: 'buttons' },
          h('button', { type: 'submit' }, tr('search')),
          h('button', { type: 'button', onclick: nearMe }, tr('nearMe')),
        ),
        field('finder-radius', tr('radius'), radius),
        field(
          'finder-category',
          tr('topic'),
          select('finder-category', facets.categories, (v) => v),
        ),
        field(
          'finder-target',
          tr('target'),
          select('finder-target', facets.targets, (v) => v),
        ),
        field(
          'finder-language',
          tr('language'),
          select('finder-language', facets.languages, (v) => languageName(view.lang, v)),
        ),
        h(
          'div',
          { class: 'check' },
          h('input', { id: 'finder-barrier-free', type: 'checkbox' }),
          h('label', { for: 'finder-barrier-free' }, tr('barrierFree')),
        ),
      ),
      h('p', { id: 'finder-message', role: 'status' }),
      h('ol', { id: 'finder-results', class: 'results' }),
    );
  }

  async function suggest(e: Event) {
    const q = (e.target as HTMLInputElement).value.trim();
    if (q.length < 3 || suggestions.some((s) => s.label === q)) return;
    typing?.abort();
    typing = new AbortController();
    try {
      const { results } = await api.geocode(q, typing.signal);
      suggestions = results;
      $('finder-suggestions').replaceChildren(...results.map((r) => h('option', { value: r.label })));
    } catch {
      // A newer keystroke aborted this request, or the server is busy: no suggestions, no error for typing.
    }
  }

  const filters = () => ({
    radius: Number($<HTMLSelectElement>('finder-radius').value),
    category: $<HTMLSelectElement>('finder-category').value || undefined,
    target: $<HTMLSelectElement>('finder-target').value || undefined,
    language: $<HTMLSelectElement>('finder-language').value || undefined,
    barrierFree: $<HTMLInputElement>('finder-barrier-free').checked,
  });

  async function search(where: { near: string } | { address: string }) {
    const message = $('finder-message');
    try {
      const res = await api.offers({ ...where, ...filters() });
      last = { offers: res.offers, origin: res.origin };
      showResults(res.offers, res.origin);
    } catch (err) {
      message.textContent = err instanceof ApiError && err.code === 'not_found' ? tr('notFound') : tr('error');
    }
  }

  function submit(e: Event) {
    e.preventDefault();
    const typed = $<HTMLInputElement>('finder-address').value.trim();
    if (!typed) return;
    const known = suggestions.find((s) => s.label === typed);
    void search(known ? { near: `${known.lon},${known.lat}` } : { address: typed });
  }

  function nearMe() {
    const message = $('finder-message');
    if (!navigator.geolocation) {
      message.textContent = tr('noLocation');
      return;
    }
    message.textContent = tr('locating');
    navigator.geolocation.getCurrentPosition(
      (p) => void search({ near: `${p.coords.longitude.toFixed(5)},${p.coords.latitude.toFixed(5)}` }),
      () => (message.textContent = tr('noLocation')),
      { timeout: 10_000 },
    );
  }

  function showResults(offers: Offer[], origin: { lon: number; lat: number; label: string | null }) {
    $('finder-message').textContent = offers.length ? tr('results', { n: offers.length }) : tr('none');
    const access = (o: Offer) =>
      o.barrierFree === true ? tr('accessible') : o.barrierFree === false ? tr('notAccessible') : tr('accessUnknown');
    $('finder-results').replaceChildren(
      ...offers.map((o, i) =>
        h(
          'li',
          { id: `offer-${i + 1}`, tabindex: '-1' },
          h('h3', {}, h('span', { class: 'badge', 'aria-hidden': 'true' }, i + 1), ' ', o.name),
          h('p', {}, tr('distance', { km: formatKm(view.lang, o.distanceM) }), ' · ', o.categories.join(', ')),
          h(
            'details',
            {},
            h('summary', {}, tr('contact')),
            h(
              'dl',
              {},
              h('dt', {}, tr('provider')),
              h('dd', {}, o.provider),
              h('dt', {}, tr('address')),
              h('dd', { dir: 'ltr' }, `${o.address.street} ${o.address.houseNumber}, ${o.address.postcode} ${o.address.city}`),
              o.phone
                ? [h('dt', {}, tr('phone')), h('dd', { dir: 'ltr' }, h('a', { href: `tel:${o.phone.replace(/\s/g, '')}` }, o.phone))]
                : null,
              o.email ? [h('dt', {}, tr('email')), h('dd', { dir: 'ltr' }, h('a', { href: `mailto:${o.email}` }, o.email))] : null,
              o.openingHours ? [h('dt', {}, tr('hours')), h('dd', {}, o.openingHours)] : null,
              h('dt', {}, tr('languages')),
              h('dd', {}, o.languages.map((l) => languageName(view.lang, l)).join(', ')),
              h('dt', {}, tr('barrierFree')),
              h('dd', {}, access(o)),
            ),
          ),
        ),
      ),
    );
    placeMarkers(offers, origin);
    document.body.dataset.offers = String(offers.length);
  }

  function placeMarkers(offers: Offer[], origin: { lon: number; lat: number }) {
    for (const m of markers) m.remove();
    markers = [];
    const map = d.map;
    if (!map) return;
    const here = h('div', { class: 'marker origin', 'aria-hidden': 'true' });
    markers.push(new maplibregl.Marker({ element: here }).setLngLat([origin.lon, origin.lat]).addTo(map));
    offers.forEach((o, i) => {
      // The number ties marker and list item together without colour; the list is the accessible way in.
      const el = h('div', { class: 'marker', 'aria-hidden': 'true' }, i + 1);
      el.addEventListener('click', () => {
        const item = $(`offer-${i + 1}`);
        item.querySelector('details')?.setAttribute('open', '');
        item.focus();
      });
      markers.push(new maplibregl.Marker({ element: el }).setLngLat([o.lon, o.lat]).addTo(map));
    });
    const lons = [origin.lon, ...offers.map((o) => o.lon)];
    const lats = [origin.lat, ...offers.map((o) => o.lat)];
    map.fitBounds(
      [
        [Math.min(...lons), Math.min(...lats)],
        [Math.max(...lons), Math.max(...lats)],
      ],
      { padding: 40, maxZoom: 15, animate: false },
    );
  }

  let loaded = false;
  return {
    async enter() {
      if (!loaded) {
        facets = await api.facets();
        loaded = true;
      }
      render();
    },
    leave() {
      for (const m of markers) m.remove();
      markers = [];
      root.removeAttribute('lang');
      root.removeAttribute('dir');
    },
  };
}

export type FinderPanel = ReturnType<typeof finderPanel>;
