/**
 * Area names as DOM elements over the map. Vector labels would need glyph PBFs,
 * which no npm package ships and nothing may download; DOM text uses the page's
 * own fonts, any script, and costs little for a few hundred areas.
 * Labels are placed greedily in the order given and a label that would
 * overlap one already placed is hidden — the usual collision rule, done in JS.
 * The layer is aria-hidden: the table alternative names every area.
 */
import type { Map as MlMap } from 'maplibre-gl';

export interface LabelPoint {
  id: string;
  name: string;
  lon: number;
  lat: number;
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** Which labels fit (pure): boxes centred on the projected points, first come first placed. */
export function placeLabels(
  items: readonly { x: number; y: number; w: number; h: number }[],
  width: number,
  height: number,
  gap = 4,
): boolean[] {
  const placed: Box[] = [];
  return items.map((it) => {
    const box = { x0: it.x - it.w / 2 - gap, y0: it.y - it.h / 2 - gap, x1: it.x + it.w / 2 + gap, y1: it.y + it.h / 2 + gap };
    if (box.x0 < 0 || box.y0 < 0 || box.x1 > width || box.y1 > height) return false;
    if (placed.some((p) => overlaps(p, box))) return false;
    placed.push(box);
    return true;
  });
}

export function labelLayer(map: MlMap) {
  const layer = document.createElement('div');
  layer.className = 'labels';
  layer.setAttribute('aria-hidden', 'true');
  map.getContainer().append(layer);
  let points: LabelPoint[] = [];
  let elements: HTMLElement[] = [];
  let sizes: { w: number; h: number }[] = [];
  let frame = 0;

  function update() {
    frame = 0;
    const canvas = map.getCanvas();
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    const projected = points.map((p, i) => ({ ...map.project([p.lon, p.lat]), ...sizes[i]! }));
    const visible = placeLabels(projected, width, height);
    projected.forEach((p, i) => {
      const el = elements[i]!;
      el.style.display = visible[i] ? '' : 'none';
      if (visible[i]) el.style.transform = `translate(${Math.round(p.x - p.w / 2)}px, ${Math.round(p.y - p.h / 2)}px)`;
    });
  }
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(update);
  };
  map.on('move', schedule);
  map.on('resize', schedule);

  return {
    set(next: LabelPoint[]) {
      points = next;
      elements = next.map((p) => {
        const el = document.createElement('span');
        el.className = 'label';
        el.textContent = p.name;
        return el;
      });
      layer.replaceChildren(...elements);
      sizes = elements.map((el) => ({ w: el.offsetWidth, h: el.offsetHeight }));
      schedule();
    },
    /** Visible label texts, for tests and the PNG export. */
    visible(): { name: string; x: number; y: number }[] {
      return elements.flatMap((el, i) => {
        if (el.style.display === 'none') return [];
        const p = map.project([points[i]!.lon, points[i]!.lat]);
        return [{ name: points[i]!.name, x: p.x, y: p.y }];
      });
    },
  };
}

export type LabelLayer = ReturnType<typeof labelLayer>;
