-- The gazetteer of official house coordinates, published for address search
-- (`/api/geocode`, the offer finder). Official open data about buildings, not
-- about people: publishing it reveals nothing about any pupil.
CREATE TABLE published.addresses (
  street       text NOT NULL,     -- official spelling
  house_number text NOT NULL,     -- number and suffix as written, e.g. 12a; '' for a street-level point
  number       int,               -- numeric part, for sorting
  postcode     text NOT NULL DEFAULT '',
  municipality text NOT NULL DEFAULT '',
  street_key   text NOT NULL,     -- normalised key (pipeline/normalise/address.ts streetKey)
  street_fold  text NOT NULL,     -- German-folded lower-case spelling, for prefixes like "Lindenstra"
  geom         geometry(Point, 4326) NOT NULL
);
CREATE INDEX addresses_street_key_idx ON published.addresses (street_key text_pattern_ops);
CREATE INDEX addresses_street_fold_idx ON published.addresses (street_fold text_pattern_ops);
