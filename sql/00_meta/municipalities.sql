-- meta.municipalities: the areas socek reports on, written by each run from config/pipeline.toml:
-- the configured municipalities and the region (is_region = true), with the council motion a
-- municipality's report answers where one is configured ([municipalities.motion]). Grain: code.
create table if not exists meta.municipalities (
    code varchar primary key,
    name varchar,
    kolada_code varchar,
    scb_code varchar,
    is_region boolean,
    motion_title varchar,
    motion_submitted_by varchar,
    motion_question_work varchar,
    motion_question_cooperation varchar
);
alter table meta.municipalities add column if not exists motion_title varchar;
alter table meta.municipalities add column if not exists motion_submitted_by varchar;
alter table meta.municipalities add column if not exists motion_question_work varchar;
alter table meta.municipalities add column if not exists motion_question_cooperation varchar;
comment on table meta.municipalities is 'Areas socek reports on: the configured municipalities and the region (from config/pipeline.toml).';
comment on column meta.municipalities.code is 'Kommunkod (four digits), or the region''s code (0018) for county rows.';
comment on column meta.municipalities.name is 'Name of the municipality or region.';
comment on column meta.municipalities.kolada_code is 'Id of the area in Kolada.';
comment on column meta.municipalities.scb_code is 'Code of the area at SCB (four-digit kommunkod, two-digit länskod).';
comment on column meta.municipalities.is_region is 'True for the region (county) row.';
comment on column meta.municipalities.motion_title is 'Title of the council motion the municipality''s report answers; NULL: a general report.';
comment on column meta.municipalities.motion_submitted_by is 'Who submitted the motion (e.g. a party).';
comment on column meta.municipalities.motion_question_work is 'The motion''s question on how the municipality works for more social enterprises (the report''s section 2).';
comment on column meta.municipalities.motion_question_cooperation is 'The motion''s question on the cooperation with the enterprise the report follows by name (section 3).';
