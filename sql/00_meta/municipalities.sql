-- meta.municipalities: the areas socek reports on, written by each run from config/pipeline.toml:
-- the configured municipalities and the region (is_region = true). Grain: code.
create table if not exists meta.municipalities (
    code varchar primary key,
    name varchar,
    kolada_code varchar,
    scb_code varchar,
    is_region boolean
);
comment on table meta.municipalities is 'Areas socek reports on: the configured municipalities and the region (from config/pipeline.toml).';
comment on column meta.municipalities.code is 'Kommunkod (four digits), or the region''s code (0018) for county rows.';
comment on column meta.municipalities.name is 'Name of the municipality or region.';
comment on column meta.municipalities.kolada_code is 'Id of the area in Kolada.';
comment on column meta.municipalities.scb_code is 'Code of the area at SCB (four-digit kommunkod, two-digit länskod).';
comment on column meta.municipalities.is_region is 'True for the region (county) row.';
