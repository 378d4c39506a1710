import type { Database } from '../core/db/index.ts';
import { AppError } from '../core/errors.ts';
import { buildGazetteer } from './geocode/gazetteer.ts';
import type { Job } from './job.ts';
import { dataVersion, replaceOffers } from './publish/publish.ts';
import { readGazetteer } from './read/gazetteer.ts';
import { readOffers, type OffersRead, type PlacingGazetteer } from './read/offers.ts';

/**
 * Re-imports the offers of a job on their own, without the pupil records: offers
 * change more often (new counselling hours, a new Familienzentrum) than the
 * school statistics. Replaces the published offers and the data version in one
 * transaction; everything else stays as published.
 */
export async function importOffers(db: Database, job: Job): Promise<{ dataVersion: string; offers: OffersRead }> {
  if (!job.offers) throw new AppError('invalid_job', 'the job has no "offers" input', { file: job.path });
  const [pub] = await db.query<{ municipality: string; ags: string; disclosure: unknown; licence: string }>(
    'SELECT municipality, ags, disclosure, licence FROM meta.publication',
  );
  if (!pub) throw new AppError('not_found', 'nothing is published yet: run the whole job first');
  let placing: Promise<PlacingGazetteer> | undefined;
  const gazetteer = () => (placing ??= readGazetteer(job.addresses).then((g) => ({ index: buildGazetteer(g.entries), srid: g.srid })));
  const offers = await readOffers(job.offers, gazetteer, [job.municipality.name]);
  const disclosure = (typeof pub.disclosure === 'string' ? JSON.parse(pub.disclosure) : pub.disclosure) as Job['disclosure'];
  const version = await db.exclusive('pipeline-run', () =>
    db.transaction(async (tx) => {
      await replaceOffers(tx, offers.offers);
      const v = await dataVersion(tx, { municipality: { name: pub.municipality, ags: pub.ags }, disclosure, licence: pub.licence });
      await tx.query('UPDATE meta.publication SET data_version = $1, published_at = now()', [v]);
      return v;
    }),
  );
  return { dataVersion: version, offers };
}
