-- raw.agreements: Agreements between the municipality and social enterprises or idéburna organisations.
-- Rows exactly as delivered after mapping to canonical columns and passing validation; one row per
-- delivered row, from every delivery (superseded ones too: staging picks the current ones).
-- Grain: _file_id, _row_number. Columns follow the contract in flows/datasets.py.
create table if not exists raw.agreements (
    agreement_id varchar,
    municipality_code varchar,
    org_nr varchar,
    type varchar,
    start_date date,
    end_date date,
    annual_value_sek decimal(18,2),
    description varchar,
    _file_id varchar,
    _source_file varchar,
    _sha256 varchar,
    _row_number bigint,
    _run_id varchar,
    _loaded_at timestamp
);
comment on table raw.agreements is 'Agreements between the municipality and social enterprises or idéburna organisations. As delivered, validated, with lineage.';
comment on column raw.agreements.agreement_id is 'The municipality''s id of the agreement.';
comment on column raw.agreements.municipality_code is 'Municipality code.';
comment on column raw.agreements.org_nr is 'Org nr.';
comment on column raw.agreements.type is 'Agreement type.';
comment on column raw.agreements.start_date is 'Start date.';
comment on column raw.agreements.end_date is 'End date.';
comment on column raw.agreements.annual_value_sek is 'Annual value sek.';
comment on column raw.agreements.description is 'Description.';
comment on column raw.agreements._file_id is 'File the row came from (meta.files.file_id).';
comment on column raw.agreements._source_file is 'Path of the delivered file relative to the inbox.';
comment on column raw.agreements._sha256 is 'SHA-256 of the delivered file.';
comment on column raw.agreements._row_number is 'Data row number in the delivered file (1 = first row after the header).';
comment on column raw.agreements._run_id is 'Run that loaded the row (meta.runs.run_id).';
comment on column raw.agreements._loaded_at is 'When the row was loaded (UTC).';
