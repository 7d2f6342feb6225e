-- raw.annual_reports: Figures reported by the enterprises themselves, with consent.
-- Rows exactly as delivered after mapping to canonical columns and passing validation; one row per
-- delivered row, from every delivery (superseded ones too: staging picks the current ones).
-- Grain: _file_id, _row_number. Columns follow the contract in flows/datasets.py.
create table if not exists raw.annual_reports (
    org_nr varchar,
    year bigint,
    turnover_sek decimal(18,2),
    revenue_public_sek decimal(18,2),
    revenue_from_municipality_sek decimal(18,2),
    employees_k bigint,
    employees_m bigint,
    participants_k bigint,
    participants_m bigint,
    fte decimal(18,2),
    _file_id varchar,
    _source_file varchar,
    _sha256 varchar,
    _row_number bigint,
    _run_id varchar,
    _loaded_at timestamp
);
comment on table raw.annual_reports is 'Figures reported by the enterprises themselves, with consent. As delivered, validated, with lineage.';
comment on column raw.annual_reports.org_nr is 'Org nr.';
comment on column raw.annual_reports.year is 'Year.';
comment on column raw.annual_reports.turnover_sek is 'Turnover sek.';
comment on column raw.annual_reports.revenue_public_sek is 'Revenue public sek.';
comment on column raw.annual_reports.revenue_from_municipality_sek is 'Revenue from municipality sek.';
comment on column raw.annual_reports.employees_k is 'Employees k.';
comment on column raw.annual_reports.employees_m is 'Employees m.';
comment on column raw.annual_reports.participants_k is 'Participants k.';
comment on column raw.annual_reports.participants_m is 'Participants m.';
comment on column raw.annual_reports.fte is 'Fte.';
comment on column raw.annual_reports._file_id is 'File the row came from (meta.files.file_id).';
comment on column raw.annual_reports._source_file is 'Path of the delivered file relative to the inbox.';
comment on column raw.annual_reports._sha256 is 'SHA-256 of the delivered file.';
comment on column raw.annual_reports._row_number is 'Data row number in the delivered file (1 = first row after the header).';
comment on column raw.annual_reports._run_id is 'Run that loaded the row (meta.runs.run_id).';
comment on column raw.annual_reports._loaded_at is 'When the row was loaded (UTC).';
