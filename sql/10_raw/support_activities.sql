-- raw.support_activities: Advice, training and networking activities for social enterprises.
-- Rows exactly as delivered after mapping to canonical columns and passing validation; one row per
-- delivered row, from every delivery (superseded ones too: staging picks the current ones).
-- Grain: _file_id, _row_number. Columns follow the contract in flows/datasets.py.
create table if not exists raw.support_activities (
    activity_id varchar,
    municipality_code varchar,
    date date,
    type varchar,
    arranger varchar,
    org_nr varchar,
    participants bigint,
    _file_id varchar,
    _source_file varchar,
    _sha256 varchar,
    _row_number bigint,
    _run_id varchar,
    _loaded_at timestamp
);
comment on table raw.support_activities is 'Advice, training and networking activities for social enterprises. As delivered, validated, with lineage.';
comment on column raw.support_activities.activity_id is 'Activity id.';
comment on column raw.support_activities.municipality_code is 'Municipality code.';
comment on column raw.support_activities.date is 'Date.';
comment on column raw.support_activities.type is 'Type.';
comment on column raw.support_activities.arranger is 'Arranger.';
comment on column raw.support_activities.org_nr is 'Blank for open events.';
comment on column raw.support_activities.participants is 'Participants.';
comment on column raw.support_activities._file_id is 'File the row came from (meta.files.file_id).';
comment on column raw.support_activities._source_file is 'Path of the delivered file relative to the inbox.';
comment on column raw.support_activities._sha256 is 'SHA-256 of the delivered file.';
comment on column raw.support_activities._row_number is 'Data row number in the delivered file (1 = first row after the header).';
comment on column raw.support_activities._run_id is 'Run that loaded the row (meta.runs.run_id).';
comment on column raw.support_activities._loaded_at is 'When the row was loaded (UTC).';
