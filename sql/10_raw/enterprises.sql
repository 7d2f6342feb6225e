-- raw.enterprises: The municipality's register of social enterprises.
-- Rows exactly as delivered after mapping to canonical columns and passing validation; one row per
-- delivered row, from every delivery (superseded ones too: staging picks the current ones).
-- Grain: _file_id, _row_number. Columns follow the contract in flows/datasets.py.
create table if not exists raw.enterprises (
    org_nr varchar,
    name varchar,
    municipality_code varchar,
    legal_form varchar,
    is_wise boolean,
    criteria_assessed_on date,
    start_date date,
    end_date date,
    sni varchar,
    cooperation_started date,
    note varchar,
    _file_id varchar,
    _source_file varchar,
    _sha256 varchar,
    _row_number bigint,
    _run_id varchar,
    _loaded_at timestamp
);
comment on table raw.enterprises is 'The municipality''s register of social enterprises. As delivered, validated, with lineage.';
comment on column raw.enterprises.org_nr is 'Organisation number, ten digits.';
comment on column raw.enterprises.name is 'Name of the enterprise.';
comment on column raw.enterprises.municipality_code is 'Kommunkod of the municipality that keeps the register.';
comment on column raw.enterprises.legal_form is 'Legal form as delivered (EK, I, S, AB...).';
comment on column raw.enterprises.is_wise is 'Meets Tillväxtverket''s four criteria for a work-integrating social enterprise.';
comment on column raw.enterprises.criteria_assessed_on is 'Date the criteria were assessed.';
comment on column raw.enterprises.start_date is 'Date the enterprise started.';
comment on column raw.enterprises.end_date is 'Date the enterprise ended (blank while active).';
comment on column raw.enterprises.sni is 'SNI 2007 code, text (leading zeros kept).';
comment on column raw.enterprises.cooperation_started is 'Date the municipality''s cooperation started.';
comment on column raw.enterprises.note is 'Free-text note.';
comment on column raw.enterprises._file_id is 'File the row came from (meta.files.file_id).';
comment on column raw.enterprises._source_file is 'Path of the delivered file relative to the inbox.';
comment on column raw.enterprises._sha256 is 'SHA-256 of the delivered file.';
comment on column raw.enterprises._row_number is 'Data row number in the delivered file (1 = first row after the header).';
comment on column raw.enterprises._run_id is 'Run that loaded the row (meta.runs.run_id).';
comment on column raw.enterprises._loaded_at is 'When the row was loaded (UTC).';
