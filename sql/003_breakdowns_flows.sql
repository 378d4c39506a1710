-- The licence under which the municipality publishes (job file `licence`).
ALTER TABLE meta.publication ADD COLUMN licence text NOT NULL DEFAULT 'Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)';

-- Schools: the Startchancen programme (IT.NRW directory), NULL when not known.
ALTER TABLE published.schools ADD COLUMN startchancen boolean;

-- Breakdowns by dimension, flows between homes and schools, Einpendler, and the
-- city as a whole. Every count here went through the same disclosure control as
-- published.indicator_values: NULL when suppressed, with a reason.

CREATE TABLE published.dimensions (
  dimension  text PRIMARY KEY,
  ordinal    int NOT NULL UNIQUE,
  title      text NOT NULL,
  -- [{ "id": "LE", "title": "Lernen" }, …] in display order
  categories jsonb NOT NULL
);

CREATE TABLE published.breakdowns (
  level      text NOT NULL,
  area_id    text NOT NULL,
  schuljahr  text NOT NULL,
  dimension  text NOT NULL REFERENCES published.dimensions (dimension),
  category   text NOT NULL,
  count      integer,
  suppressed boolean NOT NULL,
  reason     text,
  PRIMARY KEY (level, area_id, schuljahr, dimension, category),
  FOREIGN KEY (level, area_id) REFERENCES published.areas (level, area_id),
  CHECK (suppressed = (reason IS NOT NULL)),
  CHECK (suppressed = (count IS NULL))
);

-- Indicator values of the whole city (the sum over the coarsest level).
CREATE TABLE published.city_values (
  indicator_id text NOT NULL REFERENCES published.indicators (id),
  schuljahr    text NOT NULL,
  numerator    integer,
  denominator  integer,
  value        double precision,
  suppressed   boolean NOT NULL,
  reason       text,
  PRIMARY KEY (indicator_id, schuljahr),
  CHECK (suppressed = (reason IS NOT NULL)),
  CHECK (NOT suppressed OR (numerator IS NULL AND value IS NULL))
);

-- Pupils of a school by residence area (its Einzugsbereich). Only non-zero cells:
-- an absent row means no pupil of that school lives in that area.
CREATE TABLE published.catchments (
  schulnummer text NOT NULL REFERENCES published.schools (schulnummer),
  level       text NOT NULL,
  area_id     text NOT NULL,
  schuljahr   text NOT NULL,
  count       integer,
  suppressed  boolean NOT NULL,
  reason      text,
  PRIMARY KEY (schulnummer, level, schuljahr, area_id),
  FOREIGN KEY (level, area_id) REFERENCES published.areas (level, area_id),
  CHECK (suppressed = (reason IS NOT NULL)),
  CHECK (suppressed = (count IS NULL))
);
CREATE INDEX catchments_area_idx ON published.catchments (level, area_id, schuljahr);

-- All pupils of a school in the records (residents, Einpendler, unmatched): the base of catchment shares.
CREATE TABLE published.school_totals (
  schulnummer text NOT NULL REFERENCES published.schools (schulnummer),
  schuljahr   text NOT NULL,
  count       integer,
  suppressed  boolean NOT NULL,
  reason      text,
  PRIMARY KEY (schulnummer, schuljahr),
  CHECK (suppressed = (reason IS NOT NULL)),
  CHECK (suppressed = (count IS NULL))
);

-- Where Einpendler live: NRW Gemeinden (AGS, with geometry when the job names a
-- Gemeinden file), other Länder (land:<key>), abroad (ausland), unknown (unbekannt).
CREATE TABLE published.origins (
  origin_id text PRIMARY KEY,
  kind      text NOT NULL CHECK (kind IN ('gemeinde', 'land', 'ausland', 'unbekannt')),
  name      text NOT NULL,
  geom      geometry(MultiPolygon, 4326)
);
CREATE INDEX origins_geom_idx ON published.origins USING gist (geom);

-- Einpendler per origin and school; schulnummer '' is the origin's total over all schools.
CREATE TABLE published.inflows (
  origin_id   text NOT NULL REFERENCES published.origins (origin_id),
  schulnummer text NOT NULL,
  schuljahr   text NOT NULL,
  count       integer,
  suppressed  boolean NOT NULL,
  reason      text,
  PRIMARY KEY (origin_id, schuljahr, schulnummer),
  CHECK (suppressed = (reason IS NOT NULL)),
  CHECK (suppressed = (count IS NULL))
);
