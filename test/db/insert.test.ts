import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columns } from '../../core/db/index.ts';
import { engines, type TestDatabase } from '../helpers/engines.ts';

/** insertRows: INSERT … unnest on PGlite, COPY on PostgreSQL — the same rows must arrive. */
describe.each(engines().map((e) => [e.name, e] as const))('[%s] insertRows', (_, engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await engine.open();
    await t.db.exec('CREATE TABLE staging.tricky (i int, s text, f float8, b bool, j jsonb)');
  });
  afterAll(() => t?.dispose());

  it.each([
    [1, 'plain', 1.5, true, '{"a":1}'],
    [2, 'tab\there', -0.000001, false, '[]'],
    [3, 'new\nline and \r return', 1e21, null, null],
    [4, 'back\\slash \\N not null', 0, true, '{"s":"a\\tb"}'],
    [5, '', null, null, '"Straße"'],
    [6, null, 12345.678, false, null],
    [7, 'Ünïcödé ß – „quotes“ 🚸', 3, true, '{"k":"ä"}'],
  ])('row %i arrives unchanged', async (i, s, f, b, j) => {
    expect(await t.db.insertRows('staging.tricky', columns('i int, s text, f float8, b bool, j jsonb'), [[i, s, f, b, j]])).toBe(1);
    const [row] = await t.db.query<{ s: string | null; f: number | null; b: boolean | null; j: string | null }>(
      'SELECT s, f, b, j::text AS j FROM staging.tricky WHERE i = $1',
      [i],
    );
    expect(row).toEqual({ s, f, b, j: j === null ? null : JSON.stringify(JSON.parse(j)).replace(/:/g, ': ').replace(/,/g, ', ') });
  });
});
