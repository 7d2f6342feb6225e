-- raw.kolada_values: Kolada API v3 values as fetched (or replayed), one row per KPI, area, year and
-- gender. Replaced whole by each run that reads new payloads. Grain: kpi_id, area_code, period, gender.
create table if not exists raw.kolada_values (
    kpi_id varchar,
    area_code varchar,
    period integer,
    gender varchar,
    value double,
    count integer,
    status varchar,
    is_deleted boolean,
    _source_file varchar,
    _sha256 varchar,
    _retrieved_at timestamp,
    _run_id varchar
);
comment on table raw.kolada_values is 'Kolada (RKA) KPI values as fetched from API v3, unchanged. Källa: Kolada.';
comment on column raw.kolada_values.kpi_id is 'Kolada KPI id (e.g. N03926).';
comment on column raw.kolada_values.area_code is 'Kolada area id: kommunkod, or 0018 for Region Örebro län.';
comment on column raw.kolada_values.period is 'Year.';
comment on column raw.kolada_values.gender is 'T total, K women, M men.';
comment on column raw.kolada_values.value is 'Value as published; NULL when Kolada has none.';
comment on column raw.kolada_values.count is 'Kolada count (members contributing, for groups).';
comment on column raw.kolada_values.status is 'Kolada status text, verbatim.';
comment on column raw.kolada_values.is_deleted is 'True for values Kolada reports as deleted (isdeleted).';
comment on column raw.kolada_values._source_file is 'Landing or snapshot file the value was decoded from.';
comment on column raw.kolada_values._sha256 is 'SHA-256 of that payload file.';
comment on column raw.kolada_values._retrieved_at is 'When the payload was fetched from Kolada (UTC).';
comment on column raw.kolada_values._run_id is 'Run that loaded the value.';
