-- The properties every area carries in vector tiles (area_id, name, level and one
-- <level>_id per containing area), written once at publish time. Both ways of
-- cutting tiles read them from here, so their properties cannot drift apart, and
-- ST_AsMVT does no per-row JSON work on the request path.
ALTER TABLE published.areas ADD COLUMN tile_props jsonb NOT NULL DEFAULT '{}';
UPDATE published.areas SET tile_props =
  jsonb_build_object('area_id', area_id, 'name', name, 'level', level)
  || coalesce((SELECT jsonb_object_agg(k || '_id', v) FROM jsonb_each_text(parents) p (k, v)), '{}');
