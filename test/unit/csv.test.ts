import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCsvParser, detectDelimiter, openCsv } from '../../pipeline/read/csv.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-csv-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, content: string | Buffer) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
};
async function readAll(file: string) {
  const t = await openCsv(file);
  const rows = [];
  for await (const r of t.rows) rows.push(r);
  return { ...t, rows };
}

describe('createCsvParser', () => {
  it.each([
    [
      'a;b\n1;2\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'a;b\r\n1;2\r\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'a;b\r1;2',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      '"a;x";b\n"1""2";3\n',
      [
        ['a;x', 'b'],
        ['1"2', '3'],
      ],
    ],
    [
      'a;b\n"line\nbreak";2\n',
      [
        ['a', 'b'],
        ['line\nbreak', '2'],
      ],
    ],
    [
      'a;b\n\n1;2\n\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    ['a;;\n', [['a', '', '']]],
    // Characters after a closing quote belong to the field; a quote inside an unquoted field is a character.
    ['"ab"cd;e\n', [['abcd', 'e']]],
    ['ab"c;d\n', [['ab"c', 'd']]],
    ['"a\r\nb";c', [['a\nb', 'c']]],
  ])('%j', (text, expected) => {
    const p = createCsvParser(';', 'x.csv');
    const rows = [...p.push(text), ...p.end()];
    expect(rows.map((r) => r.fields)).toEqual(expected);
  });

  it('reports the physical line where each record starts', () => {
    const p = createCsvParser(';', 'x.csv');
    const rows = [...p.push('h\n"a\nb"\nc\n'), ...p.end()];
    expect(rows.map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it('gives the same records however the text is split into chunks', () => {
    const text = 'a;b\r\n"x\r\ny";"q""q"\r\n3;4\r\n';
    const whole = createCsvParser(';', 'x.csv');
    const expected = [...whole.push(text), ...whole.end()];
    const split = createCsvParser(';', 'x.csv');
    const got = [];
    for (const ch of text) got.push(...split.push(ch));
    got.push(...split.end());
    expect(got).toEqual(expected);
  });

  it('gives the same records for every split of the text into two chunks', () => {
    const text = 'Strasse;Nr\r\nLindenstraße;12a\r\n"Am ""Ring""";3\r\r\nx"y;"a\nb"\n';
    const whole = createCsvParser(';', 'x.csv');
    const expected = [...whole.push(text), ...whole.end()];
    expect(expected.map((r) => r.fields)).toEqual([
      ['Strasse', 'Nr'],
      ['Lindenstraße', '12a'],
      ['Am "Ring"', '3'],
      ['x"y', 'a\nb'],
    ]);
    for (let at = 0; at <= text.length; at++) {
      const p = createCsvParser(';', 'x.csv');
      expect([...p.push(text.slice(0, at)), ...p.push(text.slice(at)), ...p.end()], `split at ${at}`).toEqual(expected);
    }
  });

  it('counts columns through runs of ordinary characters', () => {
    const p = createCsvParser(';', 'kaputt.csv');
    p.push('Schulnummer;Strasse\n123456;Lindenstr;"offen');
    expect(() => p.end()).toThrow('kaputt.csv:2:18: unterminated quoted value');
  });

  it('names file, line and column of an unterminated quote', () => {
    const p = createCsvParser(';', 'kaputt.csv');
    p.push('a;b\n1;"offen\n2;3\n');
    expect(() => p.end()).toThrow('kaputt.csv:2:3: unterminated quoted value');
  });
});

describe('detectDelimiter', () => {
  it.each([
    ['Schuljahr;Schulnummer;Jahrgang', ';'],
    ['Schuljahr,Schulnummer,Jahrgang', ','],
    ['Schuljahr\tSchulnummer', '\t'],
    ['"a;b",c,d', ','],
  ])('%j → %j', (line, d) => expect(detectDelimiter(line)).toBe(d));
});

describe('openCsv', () => {
  it('detects UTF-8 with BOM and strips the BOM from the first column name', async () => {
    const t = await readAll(write('bom.csv', '\ufeffStraße;Nr\nMühlenweg;1\n'));
    expect(t.info.encoding).toBe('utf-8');
    expect(t.header).toEqual(['Straße', 'Nr']);
    expect(t.rows[0]!.fields).toEqual(['Mühlenweg', '1']);
  });

  it('detects Windows-1252 and decodes umlauts', async () => {
    const t = await readAll(write('ansi.csv', Buffer.from('Straße;Nr\r\nMühlenweg;1\r\nGrüner Weg;2\r\n', 'latin1')));
    expect(t.info.encoding).toBe('windows-1252');
    expect(t.rows.map((r) => r.fields[0])).toEqual(['Mühlenweg', 'Grüner Weg']);
  });

  it('reads a Windows-1252 file whose first non-ASCII byte comes late', async () => {
    const lines = ['a,b', ...Array.from({ length: 20000 }, (_, i) => `x${i},1`), 'Köln,2'];
    const t = await readAll(write('late.csv', Buffer.from(lines.join('\n'), 'latin1')));
    expect(t.info.encoding).toBe('windows-1252');
    expect(t.delimiter).toBe(',');
    expect(t.rows.at(-1)).toEqual({ line: 20002, fields: ['Köln', '2'] });
  });

  it('counts the bytes read for progress: part of the file after the first chunk, all of it at the end', async () => {
    // Larger than the 1 MiB read chunk, so the count is seen to grow.
    const body = Array.from({ length: 120_000 }, (_, i) => `Strasse ${i};${i}`).join('\n');
    const t = await openCsv(write('progress.csv', `Strasse;Nr\n${body}\n`));
    const seen: number[] = [];
    for await (const _ of t.batches) seen.push(t.bytesRead());
    expect(seen[0]).toBe(1 << 20);
    expect(seen.at(-1)).toBe(t.info.bytes);
    expect(t.info.bytes).toBe(fs.statSync(path.join(dir, 'progress.csv')).size);
  });

  it('handles the MSB "sep=;" line and trailing delimiter, counting lines from the file start', async () => {
    const t = await readAll(write('msb.csv', 'sep=;\r\n"A";"B";\r\n"1";"2";\r\n'));
    expect(t.delimiter).toBe(';');
    expect(t.header).toEqual(['A', 'B']);
    expect(t.rows).toEqual([{ line: 3, fields: ['1', '2'] }]);
  });

  it.each([
    ['empty.csv', '', 'empty.csv:1: the file is empty; expected a header line'],
    ['dup.csv', 'a;b;a\n1;2;3\n', 'dup.csv:1:3: duplicate column "a" (columns 1 and 3)'],
    ['blankcol.csv', 'a;;b\n', 'blankcol.csv:1:2: empty column name in header'],
  ])('%s fails clearly', async (name, content, message) => {
    const p = write(name, content);
    await expect(openCsv(p)).rejects.toThrow(`${p.replace(name, '')}${message}`);
  });

  it('fails for a missing file with its name', async () => {
    await expect(openCsv(path.join(dir, 'nope.csv'))).rejects.toThrow(/nope\.csv: file not found/);
  });
});
