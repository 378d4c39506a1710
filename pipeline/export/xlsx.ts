import ExcelJS from 'exceljs';
import type { Database } from '../../core/db/index.ts';
import { EXPORT_COLUMNS, type ExportRow } from './export.ts';

/**
 * XLSX export: the same long table as the CSV on a sheet "Werte", numbers as
 * numbers, suppressed values as empty cells with their reason; a sheet
 * "Metadaten" with the publication, the definitions and sources of the
 * exported indicators, the suppression legend and the licence.
 */
export interface ExportMeta {
  municipality: string;
  dataVersion: string;
  publishedAt: string;
  disclosure: { minCount: number; minDenominator: number };
  licence: string;
  indicators: {
    id: string;
    title: string;
    definition: string;
    unit: string;
    numerator: string;
    denominator: string | null;
    source: string;
    caveats: string;
    stichtag: string;
  }[];
}

export async function exportMeta(db: Database, indicatorIds: readonly string[]): Promise<ExportMeta> {
  const [pub] = await db.query<{
    municipality: string;
    data_version: string;
    published_at: string;
    disclosure: ExportMeta['disclosure'];
    licence: string;
  }>(`SELECT municipality, data_version, published_at::text, disclosure, licence FROM meta.publication`);
  const indicators = await db.query<ExportMeta['indicators'][number]>(
    `SELECT id, title, definition, unit, numerator, denominator, source, caveats, stichtag FROM published.indicators
     WHERE id = ANY ($1::text[]) ORDER BY id`,
    [[...indicatorIds]],
  );
  return {
    municipality: pub!.municipality,
    dataVersion: pub!.data_version,
    publishedAt: pub!.published_at,
    disclosure: pub!.disclosure,
    licence: pub!.licence,
    indicators,
  };
}

/** German labels of the suppression reasons (also used on the metadata sheet). */
export const REASON_LABELS: Record<string, string> = {
  count_below_k: 'Fallzahl unter k',
  numerator_below_k: 'Zähler unter k',
  denominator_below_k: 'Nenner unter k',
  complement_below_k: 'Differenz Nenner − Zähler unter k',
  denominator_below_m: 'Nenner unter m (Anteil nicht belastbar)',
  secondary: 'Sekundärsperrung (sonst aus anderen Werten errechenbar)',
};

export async function toXlsx(rows: readonly ExportRow[], meta: ExportMeta): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Quartiersmonitor';
  // A fixed date keeps the file a function of the published content.
  wb.created = wb.modified = new Date(meta.publishedAt);

  const values = wb.addWorksheet('Werte', { views: [{ state: 'frozen', ySplit: 1 }] });
  values.columns = EXPORT_COLUMNS.map((c) => ({ header: c, key: c, width: c === 'area_name' ? 28 : c === 'indicator' ? 36 : 14 }));
  values.getRow(1).font = { bold: true };
  for (const r of rows) values.addRow({ ...r, suppressed: r.suppressed ? 'ja' : 'nein' });
  values.autoFilter = { from: 'A1', to: { row: 1, column: EXPORT_COLUMNS.length } };

  const m = wb.addWorksheet('Metadaten');
  m.columns = [{ width: 34 }, { width: 110 }];
  const section = (title: string) => {
    m.addRow([]);
    m.addRow([title]).font = { bold: true };
  };
  m.addRow(['Quartiersmonitor – Export']).font = { bold: true, size: 14 };
  m.addRow(['Kommune', meta.municipality]);
  m.addRow(['Datenstand (Version)', meta.dataVersion]);
  m.addRow(['Veröffentlicht', meta.publishedAt]);
  m.addRow(['Lizenz', meta.licence]);
  section('Geheimhaltung');
  m.addRow([
    'Regel',
    `Fallzahlen von 1 bis ${meta.disclosure.minCount - 1} werden nicht veröffentlicht (k = ${meta.disclosure.minCount}); ` +
      `Anteile nur bei einem Nenner ab ${meta.disclosure.minDenominator} (m). 0 wird veröffentlicht.`,
  ]);
  for (const [code, label] of Object.entries(REASON_LABELS)) m.addRow([code, label]);
  section('Indikatoren');
  for (const i of meta.indicators) {
    m.addRow([i.id, i.title]).font = { bold: true };
    m.addRow(['Definition', i.definition]);
    m.addRow(['Einheit', i.unit]);
    m.addRow(['Zähler', i.numerator]);
    if (i.denominator) m.addRow(['Nenner', i.denominator]);
    m.addRow(['Stichtag', i.stichtag]);
    m.addRow(['Quelle', i.source]);
    if (i.caveats) m.addRow(['Hinweise', i.caveats]);
  }
  m.getColumn(2).alignment = { wrapText: true, vertical: 'top' };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
