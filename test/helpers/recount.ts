import type { Sql } from '../../core/db/index.ts';
import { SCHULWEG_BINS } from '../../pipeline/aggregate/measures.ts';

/**
 * An independent recount of the pipeline's categories, in SQL on the staged records
 * (a run with keepStaging): the pipeline counts in TypeScript as it reads
 * (pipeline/aggregate/tally.ts); this view derives every record's category in each
 * column from staging.records, its areas (staging.record_areas), its school and the
 * house and school facts. NULL means the record does not count in that column.
 */
const COLUMNS: readonly { column: string; sql: string }[] = (() => {
  const bins = SCHULWEG_BINS.map((b) => (b.upTo === null ? `ELSE '${b.id}'` : `WHEN f.dist_m < ${b.upTo} THEN '${b.id}'`)).join(' ');
  const sek1 = `r.jahrgang IN ('05','06','07','08','09','10')`;
  const primary = `r.jahrgang IN ('01','02','03','04') AND s.schulform = '02'`;
  return [
    { column: 'jahrgang', sql: 'r.jahrgang' },
    { column: 'schulform', sql: 's.schulform' },
    { column: 'geschlecht', sql: `CASE r.geschlecht WHEN 'w' THEN 'w' WHEN 'm' THEN 'm' ELSE 'divers' END` },
    { column: 'familiensprache', sql: `CASE WHEN r.lang NOT IN ('', 'deu') THEN 'nicht_deutsch' ELSE 'deutsch_oder_ohne_angabe' END` },
    { column: 'staatsangehoerigkeit', sql: `CASE WHEN r.nat NOT IN ('', 'DEU') THEN 'nicht_deutsch' ELSE 'deutsch_oder_ohne_angabe' END` },
    { column: 'zuzug', sql: `CASE WHEN r.zuzugsjahr >= left(r.schuljahr, 4)::int - 2 THEN 'letzte_3_jahre' ELSE 'sonst' END` },
    { column: 'foerderschwerpunkt', sql: `CASE WHEN r.foerder = '' THEN 'ohne' ELSE r.foerder END` },
    { column: 'sek1', sql: `CASE WHEN ${sek1} THEN CASE WHEN s.schulform = '20' THEN 'gymnasium' ELSE 'andere' END END` },
    { column: 'schulort', sql: 'f.schulort' },
    { column: 'schulweg', sql: `CASE WHEN f.dist_m IS NULL THEN 'unbekannt' ${bins} END` },
    {
      column: 'grundschulwahl',
      sql: `CASE WHEN ${primary} THEN CASE WHEN f.nearest IS NULL THEN 'unbekannt' WHEN f.nearest THEN 'naechste_3' ELSE 'andere' END END`,
    },
    { column: 'schulnummer', sql: 'r.schulnummer' },
  ];
})();

/** Creates staging.record_dims (id, schuljahr, anzahl and one column per category) for the assigned records. */
export async function createRecordDims(sql: Sql, localLevel: string): Promise<void> {
  const lit = `'${localLevel.replace(/'/g, "''")}'`;
  await sql.exec(`
    CREATE VIEW staging.record_dims AS
      SELECT r.id, r.schuljahr, r.anzahl, ${COLUMNS.map((c) => `${c.sql} AS ${c.column}`).join(', ')}
      FROM staging.records r
      JOIN staging.schools s ON s.schulnummer = r.schulnummer
      JOIN staging.school_facts sf ON sf.schulnummer = r.schulnummer
      LEFT JOIN staging.house_facts hf ON hf.x = r.x AND hf.y = r.y
      LEFT JOIN staging.record_areas home ON home.id = r.id AND home.level = ${lit}
      CROSS JOIN LATERAL (SELECT
        CASE WHEN NOT sf.in_city THEN 'ausserhalb_stadt'
             WHEN home.area_id IS NULL THEN 'unbekannt'
             WHEN home.area_id = sf.local_area THEN 'im_gebiet'
             ELSE 'anderes_gebiet' END AS schulort,
        ST_Distance(ST_MakePoint(hf.gx, hf.gy), ST_MakePoint(sf.gx, sf.gy)) AS dist_m,
        CASE WHEN hf.gx IS NOT NULL THEN r.schulnummer = ANY (hf.nearest) END AS nearest) f
      WHERE r.bucket LIKE 'assigned:%';`);
}
