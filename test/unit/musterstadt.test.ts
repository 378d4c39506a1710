import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { A40_Y } from '../../fixtures/musterstadt/geography.ts';
import { generateMusterstadt, writeMusterstadt } from '../../fixtures/musterstadt/index.ts';

describe('Musterstadt generator', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-gen-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const data = generateMusterstadt({ pupilsPerYear: 2500 });

  it('is deterministic: the same seed writes byte-identical files', () => {
    const a = writeMusterstadt(path.join(dir, 'a'), { pupilsPerYear: 500 });
    const b = writeMusterstadt(path.join(dir, 'b'), { pupilsPerYear: 500 });
    expect(a.hash).toBe(b.hash);
    expect(writeMusterstadt(path.join(dir, 'c'), { pupilsPerYear: 500, seed: 7 }).hash).not.toBe(a.hash);
  });

  it('has the structure of a real city', () => {
    const b = data.boundaries;
    expect([b.stadtbezirke.length, b.stadtteile.length, b.quartiere.length]).toEqual([8, 40, 129]);
    expect(new Set(b.quartiere.map((q) => q.parentId)).size).toBe(40);
    expect(data.addresses).toHaveLength(20000);
    expect(data.addresses.some((a) => a.suffix === 'a')).toBe(true);
    const forms = data.schools.reduce<Record<string, number>>((m, s) => ({ ...m, [s.schulform]: (m[s.schulform] ?? 0) + 1 }), {});
    expect(forms).toEqual({ '02': 28, '04': 3, '10': 4, '14': 2, '15': 4, '20': 6, '08': 3 });
    expect(data.schools.every((s) => /^\d{6}$/.test(s.schulnummer))).toBe(true);
    expect(data.offers.length).toBeGreaterThanOrEqual(80);
    expect(new Set(data.records.map((r) => r.Schuljahr))).toEqual(new Set(['2022/23', '2023/24', '2024/25']));
    expect(data.records.filter((r) => r.Wohnort === 'Gelsenkirchen' || r.Wohnort === '05513000').length).toBeGreaterThan(0);
  });

  it('has a north–south social gradient along its "A40"', () => {
    const quartierOf = new Map(data.addresses.map((a) => [`${a.street}|${a.number}${a.suffix}`, a]));
    const share = (north: boolean) => {
      const rows = data.records.filter((r) => {
        const a = quartierOf.get(`${r.Strasse}|${r.Hausnummer}${r.Hausnummernzusatz}`);
        return a && a.y > A40_Y === north;
      });
      return rows.filter((r) => r.Verkehrssprache !== 'deu').length / rows.length;
    };
    expect(share(true)).toBeGreaterThan(2 * share(false));
  });
});
