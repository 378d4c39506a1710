import { describe, expect, it } from 'vitest';
import { RECORD_FIELDS } from '../../pipeline/job.ts';
import { rawRecord } from '../../pipeline/geocode/records.ts';
import { isOwnMunicipality, validateRecord, ValidationMemo } from '../../pipeline/read/records.ts';

const ctx = { knownSchools: new Set(['123456']) };
const base = {
  Schuljahr: '2024/25',
  Schulnummer: '123456',
  Jahrgang: '05',
  Geschlecht: 'w',
  Staatsangehoerigkeit: 'DEU',
  Verkehrssprache: 'deu',
  Zuzugsjahr: '',
  Foerderschwerpunkt: '',
  Wohnort: 'Musterstadt',
  PLZ: '45910',
  Strasse: 'Lindenstraße',
  Hausnummer: '3',
  Hausnummernzusatz: '',
  Anzahl: '',
};

describe('validateRecord', () => {
  it('accepts a canonical record and defaults Anzahl to 1', () => {
    const v = validateRecord(base, ctx);
    expect(v).toEqual({ ok: true, record: expect.objectContaining({ schuljahr: '2024/25', jahrgang: '05', geschlecht: 'w', anzahl: 1 }) });
  });

  it.each([
    [{ Jahrgang: '5' }, 'jahrgang', '05'],
    [{ Jahrgang: 'EF' }, 'jahrgang', 'E1'],
    [{ Jahrgang: 'q1' }, 'jahrgang', 'Q1'],
    [{ Geschlecht: '3' }, 'geschlecht', 'm'],
    [{ Geschlecht: '4' }, 'geschlecht', 'w'],
    [{ Geschlecht: 'männlich' }, 'geschlecht', 'm'],
    [{ Verkehrssprache: 'TR' }, 'verkehrssprache', 'tur'],
    [{ Staatsangehoerigkeit: 'syr' }, 'staatsangehoerigkeit', 'SYR'],
    [{ Anzahl: '4' }, 'anzahl', 4],
    [{ Foerderschwerpunkt: 'le' }, 'foerderschwerpunkt', 'LE'],
  ])('normalises %j', (patch, field, value) => {
    const v = validateRecord({ ...base, ...patch }, ctx);
    expect(v.ok && v.record[field as keyof typeof v.record]).toEqual(value);
  });

  const rejects = [
    [{ Schuljahr: '2024/26' }, 'invalid_schuljahr', 'Schuljahr'],
    [{ Schuljahr: '24/25' }, 'invalid_schuljahr', 'Schuljahr'],
    [{ Schuljahr: '' }, 'invalid_schuljahr', 'Schuljahr'],
    [{ Schulnummer: '12345' }, 'invalid_schulnummer', 'Schulnummer'],
    [{ Schulnummer: '654321' }, 'unknown_schulnummer', 'Schulnummer'],
    [{ Jahrgang: '14' }, 'invalid_jahrgang', 'Jahrgang'],
    [{ Jahrgang: '00' }, 'invalid_jahrgang', 'Jahrgang'],
    [{ Geschlecht: 'q' }, 'invalid_geschlecht', 'Geschlecht'],
    [{ Staatsangehoerigkeit: 'Deutsch' }, 'invalid_staatsangehoerigkeit', 'Staatsangehoerigkeit'],
    [{ Verkehrssprache: 'deutsch' }, 'invalid_verkehrssprache', 'Verkehrssprache'],
    [{ Zuzugsjahr: '2030' }, 'invalid_zuzugsjahr', 'Zuzugsjahr'],
    [{ Foerderschwerpunkt: 'XY' }, 'invalid_foerderschwerpunkt', 'Foerderschwerpunkt'],
    [{ Anzahl: '0' }, 'invalid_anzahl', 'Anzahl'],
    [{ Anzahl: '-2' }, 'invalid_anzahl', 'Anzahl'],
    [{ Anzahl: '1.5' }, 'invalid_anzahl', 'Anzahl'],
    // Names of Object.prototype are no codes.
    [{ Geschlecht: 'constructor' }, 'invalid_geschlecht', 'Geschlecht'],
    [{ Verkehrssprache: 'constructor' }, 'invalid_verkehrssprache', 'Verkehrssprache'],
  ] as const;
  it.each(rejects)('rejects %j as %s', (patch, reason, column) => {
    expect(validateRecord({ ...base, ...patch }, ctx)).toMatchObject({ ok: false, reason, column });
  });

  it('gives the same results with a memo of the checks, also for a value seen before', () => {
    const memo = new ValidationMemo();
    const records = [base, ...rejects.map(([patch]) => ({ ...base, ...patch })), { ...base, Jahrgang: '5', Geschlecht: 'männlich' }];
    for (const pass of [1, 2])
      for (const r of records) expect(validateRecord(r, ctx, memo), `pass ${pass}: ${JSON.stringify(r)}`).toEqual(validateRecord(r, ctx));
  });

  it("checks the Zuzugsjahr against each record's own Schuljahr, with a memo too", () => {
    const memo = new ValidationMemo();
    const moved = (Schuljahr: string) => validateRecord({ ...base, Schuljahr, Zuzugsjahr: '2025' }, ctx, memo);
    expect(moved('2024/25')).toMatchObject({ ok: true, record: { zuzugsjahr: 2025 } });
    expect(moved('2022/23')).toMatchObject({ ok: false, reason: 'invalid_zuzugsjahr', column: 'Zuzugsjahr' });
  });

  it('checks a value anew once a field has more distinct values than the memo keeps', () => {
    const memo = new ValidationMemo(2);
    for (const j of ['1', '2', '3', '14', '3', '14'])
      expect(validateRecord({ ...base, Jahrgang: j }, ctx, memo)).toEqual(validateRecord({ ...base, Jahrgang: j }, ctx));
  });

  it('uses the job Schuljahr when the record has none, and rejects other years', () => {
    expect(validateRecord({ ...base, Schuljahr: '' }, { ...ctx, schuljahr: '2024/25' }).ok).toBe(true);
    expect(validateRecord({ ...base, Schuljahr: '2023/24' }, { ...ctx, schuljahr: '2024/25' })).toMatchObject({
      reason: 'schuljahr_mismatch',
    });
  });
});

describe('isOwnMunicipality', () => {
  const m = { name: 'Mülheim an der Ruhr', ags: '05117000' };
  it.each([
    ['', true],
    ['Mülheim an der Ruhr', true],
    ['MUELHEIM AN DER RUHR', true],
    ['05117000', true],
    ['5117000', true],
    ['051170000000', true],
    ['Essen', false],
    ['05113000', false],
    ['Niederlande', false],
  ])('%j → %s', (w, own) => expect(isOwnMunicipality(w, m)).toBe(own));
});

describe('rawRecord', () => {
  it('names every record field in RECORD_FIELDS order, with "" for a column the file lacks', () => {
    const fields = RECORD_FIELDS.map((f) => `<${f}>`);
    const index = Int32Array.from(RECORD_FIELDS, (_, i) => (i === 4 ? -1 : i));
    const raw = rawRecord(fields, index);
    expect(Object.keys(raw)).toEqual([...RECORD_FIELDS]);
    expect(Object.values(raw)).toEqual(RECORD_FIELDS.map((f, i) => (i === 4 ? '' : `<${f}>`)));
    // A short row (fewer fields than the header) reads as "" too; the stage rejects it anyway.
    expect(rawRecord(['2024/25'], index).Schulnummer).toBe('');
  });
});
