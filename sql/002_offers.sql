-- Education and counselling offers (Bildungsberatung, Familienzentrum, Sprachkurs …).
-- Public information, not personal data; replaced as a whole by a run or an offers import.
CREATE TABLE published.offers (
  offer_id      text PRIMARY KEY,   -- stable: hash of name and address
  name          text NOT NULL,
  provider      text NOT NULL DEFAULT '',
  categories    text[] NOT NULL,
  targets       text[] NOT NULL DEFAULT '{}',
  languages     text[] NOT NULL DEFAULT '{}',
  street        text NOT NULL DEFAULT '',
  house_number  text NOT NULL DEFAULT '',
  postcode      text NOT NULL DEFAULT '',
  city          text NOT NULL DEFAULT '',
  phone         text NOT NULL DEFAULT '',
  email         text NOT NULL DEFAULT '',
  opening_hours text NOT NULL DEFAULT '',
  barrier_free  boolean,             -- NULL: not known
  stand         date,
  geom          geometry(Point, 4326) NOT NULL
);
CREATE INDEX offers_geom_idx ON published.offers USING gist (geom);
