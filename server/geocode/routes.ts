import { Hono } from 'hono';
import type { PublicationState } from '../publication.ts';
import { versionHeaders } from '../respond.ts';
import { GeocodeQuery } from '../schemas.ts';
import { parseQuery } from '../validate.ts';
import { parseAddressQuery } from './query.ts';
import type { AddressRow, GeocodeRepository } from './repository.ts';

export const toGeocodeResult = (r: AddressRow) => ({
  label: `${r.street}${r.house_number ? ` ${r.house_number}` : ''}, ${[r.postcode, r.municipality].filter(Boolean).join(' ')}`,
  street: r.street,
  houseNumber: r.house_number,
  postcode: r.postcode,
  municipality: r.municipality,
  lon: Number(r.lon),
  lat: Number(r.lat),
});

/** `/api/geocode?q=`: address autocomplete from the gazetteer. */
export function geocodeRoutes(deps: { geocode: GeocodeRepository; publication: PublicationState }) {
  const app = new Hono();
  app.get('/', async (c) => {
    const q = parseQuery(c, GeocodeQuery);
    const pub = await deps.publication.current();
    const parsed = parseAddressQuery(q.q);
    const rows = parsed ? await deps.geocode.search(parsed, q.limit) : [];
    versionHeaders(c, pub?.dataVersion ?? null);
    return c.json({ dataVersion: pub?.dataVersion ?? null, results: rows.map(toGeocodeResult) });
  });
  return app;
}
