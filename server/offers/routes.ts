import { Hono } from 'hono';
import { AppError } from '../../core/errors.ts';
import { parseAddressQuery } from '../geocode/query.ts';
import type { GeocodeRepository } from '../geocode/repository.ts';
import { toGeocodeResult } from '../geocode/routes.ts';
import type { PublicationState } from '../publication.ts';
import { versionHeaders } from '../respond.ts';
import { OffersQuery } from '../schemas.ts';
import { parseQuery } from '../validate.ts';
import type { OfferRow, OffersRepository } from './repository.ts';

const toOffer = (r: OfferRow) => ({
  offerId: r.offer_id,
  name: r.name,
  provider: r.provider,
  categories: r.categories,
  targets: r.targets,
  languages: r.languages,
  address: { street: r.street, houseNumber: r.house_number, postcode: r.postcode, city: r.city },
  phone: r.phone,
  email: r.email,
  openingHours: r.opening_hours,
  barrierFree: r.barrier_free,
  stand: r.stand,
  lon: Number(r.lon),
  lat: Number(r.lat),
  distanceM: Number(r.distance_m),
});

/**
 * `/api/offers?near=lon,lat` or `?address=…`: the Bildungsberatung finder.
 * Works without any indicator data; an address is placed with the gazetteer
 * (the best match: a house when a number was given, else the street's middle).
 */
export function offerRoutes(deps: { offers: OffersRepository; geocode: GeocodeRepository; publication: PublicationState }) {
  const app = new Hono();
  app.get('/', async (c) => {
    const q = parseQuery(c, OffersQuery);
    let origin: { lon: number; lat: number; label: string | null };
    if (q.near) {
      origin = { lon: q.near[0], lat: q.near[1], label: null };
    } else {
      const parsed = parseAddressQuery(q.address!);
      const [hit] = parsed ? await deps.geocode.search(parsed, 1) : [];
      if (!hit) throw new AppError('not_found', `address not found: "${q.address}"`);
      const r = toGeocodeResult(hit);
      origin = { lon: r.lon, lat: r.lat, label: r.label };
    }
    const rows = await deps.offers.near({ ...origin, ...q });
    const pub = await deps.publication.current();
    versionHeaders(c, pub?.dataVersion ?? null);
    return c.json({ dataVersion: pub?.dataVersion ?? null, origin, radius: q.radius, offers: rows.map(toOffer) });
  });

  app.get('/facets', async (c) => {
    const facets = await deps.offers.facets();
    const pub = await deps.publication.current();
    versionHeaders(c, pub?.dataVersion ?? null);
    return c.json({ dataVersion: pub?.dataVersion ?? null, ...facets });
  });
  return app;
}
