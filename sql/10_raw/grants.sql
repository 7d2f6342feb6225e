-- raw.grants: Grants decided by the municipality.
-- Rows exactly as delivered after mapping to canonical columns and passing validation; one row per
-- delivered row, from every delivery (superseded ones too: staging picks the current ones).
-- Grain: _file_id, _row_number. Columns follow the contract in flows/datasets.py.
create table if not exists raw.grants (
    grant_id varchar,
    municipality_code varchar,
    org_nr varchar,
    decision_date date,
    amount_sek decimal(18,2),
    grant_type varchar,
    _file_id varchar,
    _source_file varchar,
    _sha256 varchar,
    _row_number bigint,
    _run_id varchar,
    _loaded_at timestamp
);
comment on table raw.grants is 'Grants decided by the municipality. As delivered, validated, with lineage.';
comment on column raw.grants.grant_id is 'Grant id.';
comment on column raw.grants.municipality_code is 'Municipality code.';
comment on column raw.grants.org_nr is 'Org nr.';
comment on column raw.grants.decision_date is 'Decision date.';
comment on column raw.grants.amount_sek is 'Amount sek.';
comment on column raw.grants.grant_type is 'Grant type.';
comment on column raw.grants._file_id is 'File the row came from (meta.files.file_id).';
comment on column raw.grants._source_file is 'Path of the delivered file relative to the inbox.';
comment on column raw.grants._sha256 is 'SHA-256 of the delivered file.';
comment on column raw.grants._row_number is 'Data row number in the delivered file (1 = first row after the header).';
comment on column raw.grants._run_id is 'Run that loaded the row (meta.runs.run_id).';
comment on column raw.grants._loaded_at is 'When the row was loaded (UTC).';
