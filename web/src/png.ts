/**
 * The map as a PNG with its legend, labels and source line. Loaded only when a
 * user asks for it, so it costs the first view nothing.
 */
import type { Map as MlMap } from 'maplibre-gl';
import type { Legend } from './shown.ts';

export interface PngContent {
  title: string;
  legend: Legend;
  labels: { name: string; x: number; y: number }[];
  footer: string;
}

/** The map canvas as an image; read inside 'render', while WebGL still holds the frame. */
function mapImage(map: MlMap): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    map.once('render', () => {
      const img = new Image();
      img.onload = () => resolve(img);
      img.onerror = reject;
      img.src = map.getCanvas().toDataURL('image/png');
    });
    map.triggerRepaint();
  });
}

export async function mapPng(map: MlMap, c: PngContent): Promise<Blob> {
  const img = await mapImage(map);
  const scale = img.width / map.getCanvas().clientWidth;
  const legendW = 320 * scale;
  const canvas = document.createElement('canvas');
  canvas.width = img.width + legendW;
  canvas.height = Math.max(img.height, (120 + 24 * (c.legend.rows.length + c.legend.extra.length)) * scale);
  const g = canvas.getContext('2d')!;
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.drawImage(img, 0, 0);
  g.scale(scale, scale);
  // Labels as on screen: dark text with a light halo.
  g.font = '12px system-ui, sans-serif';
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.lineWidth = 3;
  g.strokeStyle = 'rgba(255,255,255,0.9)';
  g.fillStyle = '#1b1b1b';
  for (const l of c.labels) {
    g.strokeText(l.name, l.x, l.y);
    g.fillText(l.name, l.x, l.y);
  }
  const x0 = img.width / scale + 16;
  g.textAlign = 'left';
  g.textBaseline = 'top';
  g.font = 'bold 14px system-ui, sans-serif';
  let y = 16;
  for (const line of wrap(g, c.title, 288)) {
    g.fillText(line, x0, y);
    y += 18;
  }
  y += 8;
  g.font = '12px system-ui, sans-serif';
  const box = (draw: () => void, label: string) => {
    draw();
    g.strokeStyle = '#555';
    g.lineWidth = 1;
    g.strokeRect(x0, y, 18, 14);
    g.fillStyle = '#1b1b1b';
    g.fillText(label, x0 + 26, y + 1);
    y += 24;
  };
  for (const r of c.legend.rows) box(() => ((g.fillStyle = r.colour), g.fillRect(x0, y, 18, 14)), `${r.label} (${r.count})`);
  for (const e of c.legend.extra) {
    box(() => {
      g.fillStyle = '#ebebeb';
      g.fillRect(x0, y, 18, 14);
      g.fillStyle = '#464646';
      if (e.kind === 'hatch') for (let i = -14; i < 18; i += 6) g.fillRect(x0 + Math.max(0, i), y, 1, 14);
      else for (let i = 3; i < 18; i += 5) g.fillRect(x0 + i, y + 6, 2, 2);
    }, `${e.label} (${e.count})`);
  }
  g.fillStyle = '#444';
  g.font = '11px system-ui, sans-serif';
  for (const line of wrap(g, c.footer, 288)) {
    g.fillText(line, x0, y + 8);
    y += 14;
  }
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG konnte nicht erzeugt werden'))), 'image/png'),
  );
}

function wrap(g: CanvasRenderingContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (g.measureText(next).width > width && line) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}
