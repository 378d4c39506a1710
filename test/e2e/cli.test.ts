import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { pgdataPaths } from '../../core/db/embedded.ts';
import { copyPgliteTemplate } from '../helpers/engines.ts';
import { ROOT } from '../helpers/requirements.ts';

/** The pipeline CLI as analysts run it: exit codes, messages, the report file. */
describe('[pglite] pipeline CLI', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-cli-'));
  fs.renameSync(copyPgliteTemplate(), pgdataPaths(dataDir).live);
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['bin/quartiersmonitor.mjs', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '' },
      encoding: 'utf8',
    });

  it('runs a job, prints the summary and writes an owner-only report without addresses', () => {
    const reportFile = path.join(dataDir, 'report.json');
    const r = cli('run', path.join(inject('smallDemo'), 'job.json'), '--report', reportFile);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Run \S+ published data version [0-9a-f]{12} \(pglite\)/);
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
    expect(fs.statSync(reportFile).mode & 0o777).toBe(0o600);
    expect(Object.values(report.account.buckets as Record<string, { rows: number }>).reduce((s, b) => s + b.rows, 0)).toBe(
      report.account.rows,
    );
    expect(fs.readFileSync(reportFile, 'utf8')).not.toMatch(/straße|str\./i);
  }, 120_000);

  it('exports the published values in long format as CSV for German Excel and as GeoJSON', () => {
    const csvFile = path.join(dataDir, 'export.csv');
    const r = cli(
      'export',
      '--level',
      'Stadtbezirk',
      '--schuljahr',
      '2024/25',
      '--indicators',
      'schueler_insgesamt,anteil_foerderschwerpunkt',
      '--format',
      'csv',
      '--decimal-comma',
      '--out',
      csvFile,
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`16 rows written to ${csvFile}\n`);
    const csv = fs.readFileSync(csvFile, 'utf8');
    expect(csv.startsWith('\ufefflevel;area_id;area_name;schuljahr;indicator;numerator;denominator;value;suppressed;reason\r\n')).toBe(
      true,
    );
    const lines = csv
      .trim()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(';'));
    expect(lines).toHaveLength(16);
    expect(lines[0]!.slice(0, 5)).toEqual(['Stadtbezirk', '1', 'Stadtbezirk I – Mitte', '2024/25', 'anteil_foerderschwerpunkt']);
    expect(lines.filter((l) => l[4] === 'anteil_foerderschwerpunkt' && l[8] === 'nein').every((l) => /^\d+(,\d+)?$/.test(l[7]!))).toBe(
      true,
    );

    const geoFile = path.join(dataDir, 'export.geojson');
    expect(
      cli(
        'export',
        '--level',
        'Quartier',
        '--schuljahr',
        '2024/25',
        '--indicators',
        'schueler_insgesamt',
        '--format',
        'geojson',
        '--out',
        geoFile,
      ).status,
    ).toBe(0);
    const fc = JSON.parse(fs.readFileSync(geoFile, 'utf8'));
    expect(fc.features).toHaveLength(129);
    expect(fc.features[0].geometry.type).toBe('MultiPolygon');
    expect(Object.keys(fc.features[0].properties)).toEqual([
      'level',
      'area_id',
      'area_name',
      'schuljahr',
      'indicator',
      'numerator',
      'denominator',
      'value',
      'suppressed',
      'reason',
    ]);
  });

  it('exports XLSX with the same values as the CSV and a metadata sheet', async () => {
    const csvFile = path.join(dataDir, 'same.csv');
    const xlsxFile = path.join(dataDir, 'export.xlsx');
    const args = [
      '--level',
      'Stadtteil',
      '--schuljahr',
      '2024/25',
      '--indicators',
      'anteil_familiensprache_nicht_deutsch,schueler_insgesamt',
    ];
    expect(cli('export', ...args, '--format', 'csv', '--out', csvFile).status).toBe(0);
    const r = cli('export', ...args, '--format', 'xlsx', '--out', xlsxFile);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`80 rows written to ${xlsxFile}\n`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsxFile);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Werte', 'Metadaten']);
    const sheet = wb.getWorksheet('Werte')!;
    const fromXlsx: string[][] = [];
    sheet.eachRow((row) => fromXlsx.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
    const fromCsv = fs
      .readFileSync(csvFile, 'utf8')
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n')
      .map((l) => l.split(';'));
    // Trailing empty cells are not stored in XLSX rows.
    expect(fromXlsx.map((row) => row.join('|').replace(/\|+$/, ''))).toEqual(fromCsv.map((row) => row.join('|').replace(/\|+$/, '')));
    // Numbers are numbers, not text.
    expect(typeof sheet.getRow(2).getCell(6).value === 'number' || sheet.getRow(2).getCell(6).value === null).toBe(true);
    const meta: string[] = [];
    wb.getWorksheet('Metadaten')!.eachRow((row) => meta.push((row.values as unknown[]).slice(1).join(' | ')));
    expect(meta).toContain('Lizenz | Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)');
    expect(meta).toContain('anteil_familiensprache_nicht_deutsch | Familiensprache nicht Deutsch');
    expect(meta).toContain('secondary | Sekundärsperrung (sonst aus anderen Werten errechenbar)');
    expect(meta.some((l) => l.startsWith('Regel | Fallzahlen von 1 bis 2 werden nicht veröffentlicht (k = 3)'))).toBe(true);
  });

  it('names the levels when asked to export an unknown one', () => {
    const r = cli('export', '--level', 'Galaxis', '--format', 'csv', '--out', path.join(dataDir, 'x.csv'));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('Error: unknown level "Galaxis"; levels are Stadtbezirk, Stadtteil, Quartier\n');
  });

  it.each([
    [['run', 'no-such-job.json'], 1, /no-such-job\.json: cannot read job file: ENOENT/],
    [['frobnicate'], 2, /Usage:/],
    [[], 2, /Usage:/],
  ])('%j exits %i with a clear message', (args, status, message) => {
    const r = cli(...args);
    expect(r.status).toBe(status);
    expect(r.stdout + r.stderr).toMatch(message);
  });

  it('names file and problem for an invalid job and publishes nothing', () => {
    const bad = path.join(dataDir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ municipality: { name: 'X', ags: '123' } }));
    const r = cli('run', bad);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${bad}: municipality.ags: 8-digit AGS, e.g. 05113000`);
    expect(r.stderr).toContain('Nothing was published.');
  });
});
