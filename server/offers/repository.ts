import type { Database } from '../../core/db/index.ts';
import type { Schema } from '../../core/db/schema.ts';

export interface OfferFilter {
  lon: number;
  lat: number;
  radius: number;
  category?: string | undefined;
  target?: string | undefined;
  language?: string | undefined;
  barrierFree?: boolean | undefined;
  limit: number;
}

/** A published offer as the finder reads it: the point as lon/lat, the Stand as text, the distance in metres. */
export type OfferRow = Omit<Schema['published.offers'], 'geom' | 'stand'> & {
  stand: string | null;
  lon: number;
  lat: number;
  distance_m: number;
};

/** Counselling and education offers near a point; distances on the ellipsoid, in metres. */
export function offersRepository(getDb: () => Database) {
  return {
    /** All offers as points, for the `offers` tile layer. */
    async all() {
      return getDb().query<{
        offer_id: string;
        name: string;
        provider: string;
        categories: string[];
        barrier_free: boolean | null;
        lon: number;
        lat: number;
      }>(
        'SELECT offer_id, name, provider, categories, barrier_free, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM published.offers ORDER BY offer_id',
      );
    },
    /** The distinct categories, target groups and languages: the finder's filter choices. */
    async facets(): Promise<{ categories: string[]; targets: string[]; languages: string[] }> {
      const [row] = await getDb().query<{ categories: string[] | null; targets: string[] | null; languages: string[] | null }>(
        `SELECT (SELECT array_agg(DISTINCT v) FROM published.offers, unnest(categories) v) AS categories,
                (SELECT array_agg(DISTINCT v) FROM published.offers, unnest(targets) v) AS targets,
                (SELECT array_agg(DISTINCT v) FROM published.offers, unnest(languages) v) AS languages`,
      );
      // Sorted here, not in SQL: the database's collation differs between installations.
      const sorted = (xs: string[] | null) => (xs ?? []).sort((a, b) => a.localeCompare(b, 'de'));
      return { categories: sorted(row!.categories), targets: sorted(row!.targets), languages: sorted(row!.languages) };
    },

    async near(f: OfferFilter): Promise<OfferRow[]> {
      const params: unknown[] = [f.lon, f.lat, f.radius];
      const where = ['ST_DWithin(geom::geography, here, $3)'];
      const contains = (column: string, value: string | undefined) => {
        if (value === undefined) return;
        params.push(value);
        where.push(`$${params.length} = ANY (${column})`);
      };
      contains('categories', f.category);
      contains('targets', f.target);
      contains('languages', f.language);
      if (f.barrierFree !== undefined) {
        params.push(f.barrierFree);
        where.push(`barrier_free = $${params.length}`);
      }
      params.push(f.limit);
      return getDb().query<OfferRow>(
        `SELECT offer_id, name, provider, categories, targets, languages, street, house_number, postcode, city, phone, email,
           opening_hours, barrier_free, to_char(stand, 'YYYY-MM-DD') AS stand, ST_X(geom) AS lon, ST_Y(geom) AS lat,
           round(ST_Distance(geom::geography, here))::int AS distance_m
         FROM published.offers, (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography AS here) h
         WHERE ${where.join(' AND ')}
         ORDER BY distance_m, name, offer_id
         LIMIT $${params.length}`,
        params,
      );
    },
  };
}
export type OffersRepository = ReturnType<typeof offersRepository>;
