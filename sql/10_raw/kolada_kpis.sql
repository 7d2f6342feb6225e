-- raw.kolada_kpis: metadata of the Kolada KPIs socek uses, as fetched. Grain: kpi_id.
create table if not exists raw.kolada_kpis (
    kpi_id varchar,
    title varchar,
    description varchar,
    is_divided_by_gender boolean,
    municipality_type varchar,
    publ_period varchar,
    _source_file varchar,
    _sha256 varchar,
    _retrieved_at timestamp,
    _run_id varchar
);
comment on table raw.kolada_kpis is 'Metadata of the Kolada KPIs used (title, definition). Källa: Kolada.';
comment on column raw.kolada_kpis.kpi_id is 'Kolada KPI id.';
comment on column raw.kolada_kpis.title is 'Title as published by Kolada.';
comment on column raw.kolada_kpis.description is 'Definition as published by Kolada.';
comment on column raw.kolada_kpis.is_divided_by_gender is 'True when Kolada publishes K/M values.';
comment on column raw.kolada_kpis.municipality_type is 'K municipalities, L regions, A all.';
comment on column raw.kolada_kpis.publ_period is 'Latest published period (NULL for discontinued KPIs).';
comment on column raw.kolada_kpis._source_file is 'Landing or snapshot folder the metadata was decoded from.';
comment on column raw.kolada_kpis._sha256 is 'Hash of the decoded metadata (unchanged payloads are not reloaded).';
comment on column raw.kolada_kpis._retrieved_at is 'When the metadata was fetched (UTC).';
comment on column raw.kolada_kpis._run_id is 'Run that loaded the row.';
