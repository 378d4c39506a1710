-- Three schemas with one rule each:
--   staging:   what a run works on (raw records, geocoded points). Per run; dropped after it.
--   published: what the world may see, already disclosure-controlled. Replaced as a whole by a run.
--   meta:      migrations, runs (reports without personal data), the current data version.
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS published;

CREATE TABLE meta.runs (
  run_id      text PRIMARY KEY,
  started_at  timestamptz NOT NULL,
  finished_at timestamptz,
  status      text NOT NULL CHECK (status IN ('running', 'published', 'failed')),
  job_name    text NOT NULL,
  -- The run report: counts per bucket, match rates, timings, file hashes. Never addresses.
  report      jsonb
);

-- Exactly one row once something was published.
CREATE TABLE meta.publication (
  id           int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  data_version text NOT NULL,
  run_id       text NOT NULL REFERENCES meta.runs (run_id),
  published_at timestamptz NOT NULL,
  municipality text NOT NULL,
  ags          text NOT NULL,
  disclosure   jsonb NOT NULL
);

CREATE TABLE published.levels (
  level        text PRIMARY KEY,
  ordinal      int NOT NULL UNIQUE,   -- 0 = coarsest
  title        text NOT NULL,
  parent_level text REFERENCES published.levels (level)
);

CREATE TABLE published.areas (
  level     text NOT NULL REFERENCES published.levels (level),
  area_id   text NOT NULL,
  -- Numeric feature id for vector tiles: unique across levels, stable across runs
  -- for the same (level, area_id) because it is a hash of both.
  fid       bigint NOT NULL UNIQUE,
  name      text NOT NULL,
  parent_id text,
  -- Ids of all coarser areas containing this one, by level.
  parents   jsonb NOT NULL DEFAULT '{}',
  area_m2   double precision NOT NULL,
  geom      geometry(MultiPolygon, 4326) NOT NULL,
  PRIMARY KEY (level, area_id)
);
CREATE INDEX areas_geom_idx ON published.areas USING gist (geom);

CREATE TABLE published.indicators (
  id          text PRIMARY KEY,
  title       text NOT NULL,
  definition  text NOT NULL,
  theme       text NOT NULL,
  -- 'count': numerator only; 'rate': numerator / denominator, value in `unit`.
  kind        text NOT NULL CHECK (kind IN ('count', 'rate')),
  unit        text NOT NULL,
  numerator   text NOT NULL,
  denominator text,
  reference   text NOT NULL CHECK (reference IN ('Wohnort', 'Schulort')),
  polarity    text NOT NULL CHECK (polarity IN ('higher_is_better', 'higher_is_worse', 'neutral')),
  source      text NOT NULL,
  caveats     text NOT NULL DEFAULT '',
  stichtag    text NOT NULL DEFAULT ''
);

CREATE TABLE published.indicator_values (
  indicator_id text NOT NULL REFERENCES published.indicators (id),
  level        text NOT NULL,
  area_id      text NOT NULL,
  schuljahr    text NOT NULL,
  -- NULL when suppressed: the published schema holds nothing below the threshold.
  numerator    integer,
  denominator  integer,
  value        double precision,
  suppressed   boolean NOT NULL,
  reason       text,
  PRIMARY KEY (indicator_id, level, schuljahr, area_id),
  FOREIGN KEY (level, area_id) REFERENCES published.areas (level, area_id),
  CHECK (suppressed = (reason IS NOT NULL)),
  CHECK (NOT suppressed OR (numerator IS NULL AND value IS NULL))
);

CREATE TABLE published.schools (
  schulnummer    text PRIMARY KEY,
  name           text NOT NULL,
  schulform      text NOT NULL,   -- MSB Schulform key, e.g. 02
  schulform_name text NOT NULL,   -- e.g. Grundschule
  sozialindex    int CHECK (sozialindex BETWEEN 1 AND 9),
  geom           geometry(Point, 4326) NOT NULL
);
