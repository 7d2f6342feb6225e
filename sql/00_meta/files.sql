-- meta.files: one row per delivered file ever read (DESIGN §4). A file is known by path and sha256:
-- an unchanged file is not read again; the same bytes under a new name are recorded as a duplicate
-- and load nothing. A newer delivery for the same municipality, dataset and period supersedes the
-- older one (superseded_by), which stays here and in raw.* for history. Grain: file_id.
create table if not exists meta.files (
    file_id varchar primary key,
    path varchar,
    sha256 varchar,
    dataset varchar,
    municipality_code varchar,
    profile varchar,
    period_start date,
    period_end date,
    rows_read bigint,
    rows_loaded bigint,
    rows_quarantined bigint,
    status varchar,
    superseded_by varchar,
    run_id varchar,
    reason varchar,
    file_format varchar
);
comment on table meta.files is 'One row per delivered file read from the inbox, with its accounting: rows_read = rows_loaded + rows_quarantined.';
comment on column meta.files.file_id is 'Stable id of the file (hash of path and content); raw rows carry it in _file_id.';
comment on column meta.files.path is 'Path of the file relative to the inbox (<kommunkod>/<dataset>/<name>).';
comment on column meta.files.sha256 is 'SHA-256 of the file bytes; the same bytes are never loaded twice.';
comment on column meta.files.dataset is 'Canonical dataset the file delivers (enterprises, supplier_invoices, ...).';
comment on column meta.files.municipality_code is 'Kommunkod of the delivering municipality (the inbox folder).';
comment on column meta.files.profile is 'Publisher profile used to read the file (config/profiles).';
comment on column meta.files.period_start is 'First day of the period the delivery covers (see docs/data-contracts.md); NULL for full registers.';
comment on column meta.files.period_end is 'Last day of the period the delivery covers; NULL for full registers.';
comment on column meta.files.rows_read is 'Data rows read from the file.';
comment on column meta.files.rows_loaded is 'Rows that passed validation and were loaded into raw.<dataset>.';
comment on column meta.files.rows_quarantined is 'Rows kept in meta.quarantine instead of loaded (all rows when the whole file was rejected).';
comment on column meta.files.status is 'loaded, rejected (file-level failure, see reason) or duplicate (same bytes as an earlier file).';
comment on column meta.files.superseded_by is 'file_id of the newer delivery that replaced this one; NULL while current.';
comment on column meta.files.run_id is 'Run that read the file.';
comment on column meta.files.reason is 'Why a file was rejected or treated as a duplicate, in plain words.';
comment on column meta.files.file_format is 'Detected format: csv/xlsx/json with encoding and delimiter.';
