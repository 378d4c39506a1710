import type { Database } from '../../core/db/index.ts';
import { type AddressQuery, likePrefix } from './query.ts';

export interface AddressRow {
  street: string;
  house_number: string;
  postcode: string;
  municipality: string;
  lon: number;
  lat: number;
}

/** Address search on the published gazetteer (official house coordinates). */
export function geocodeRepository(getDb: () => Database) {
  return {
    /**
     * Houses when a number was typed (numbers starting with it: "1" finds 1, 10, 12a;
     * the exact number first), otherwise streets, each with its middle house as the point.
     */
    async search(q: AddressQuery, limit: number): Promise<AddressRow[]> {
      const params: unknown[] = [q.key, likePrefix(q.key), likePrefix(q.fold)];
      // An empty key (input of punctuation only) must not become a prefix of everything.
      const street = [q.key ? 'street_key LIKE $2' : null, q.fold ? 'street_fold LIKE $3' : null].filter(Boolean);
      const where = [`(${street.join(' OR ')})`];
      if (q.postcode) {
        params.push(q.postcode);
        where.push(`postcode = $${params.length}`);
      }
      if (q.town) {
        params.push(likePrefix(q.town));
        where.push(`lower(municipality) LIKE $${params.length}`);
      }
      if (q.houseNumber !== null) {
        params.push(q.houseNumber, likePrefix(q.houseNumber), limit);
        const n = params.length;
        return getDb().query<AddressRow>(
          `SELECT street, house_number, postcode, municipality, ST_X(geom) AS lon, ST_Y(geom) AS lat
           FROM published.addresses
           WHERE ${where.join(' AND ')} AND house_number LIKE $${n - 1}
           ORDER BY street_key <> $1, house_number <> $${n - 2}, street, municipality, postcode, number, house_number
           LIMIT $${n}`,
          params,
        );
      }
      params.push(limit);
      return getDb().query<AddressRow>(
        `SELECT street, '' AS house_number, postcode, municipality, ST_X(mid) AS lon, ST_Y(mid) AS lat FROM (
           SELECT street, postcode, municipality, min(street_key) AS street_key,
             (array_agg(geom ORDER BY number NULLS LAST, house_number))[(count(*) + 1) / 2] AS mid
           FROM published.addresses
           WHERE ${where.join(' AND ')}
           GROUP BY street, postcode, municipality) s
         ORDER BY street_key <> $1, street, municipality, postcode
         LIMIT $${params.length}`,
        params,
      );
    },
  };
}
export type GeocodeRepository = ReturnType<typeof geocodeRepository>;
