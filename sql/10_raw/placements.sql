-- raw.placements: Work-integration placements, aggregated at source (never person-level).
-- Rows exactly as delivered after mapping to canonical columns and passing validation; one row per
-- delivered row, from every delivery (superseded ones too: staging picks the current ones).
-- Grain: _file_id, _row_number. Columns follow the contract in flows/datasets.py.
create table if not exists raw.placements (
    municipality_code varchar,
    year bigint,
    org_nr varchar,
    referrer varchar,
    placement_type varchar,
    sex varchar,
    age_band varchar,
    persons_started bigint,
    persons_ended bigint,
    ended_to_unsubsidised_work bigint,
    ended_to_subsidised_work bigint,
    ended_to_studies bigint,
    participant_days bigint,
    _file_id varchar,
    _source_file varchar,
    _sha256 varchar,
    _row_number bigint,
    _run_id varchar,
    _loaded_at timestamp
);
comment on table raw.placements is 'Work-integration placements, aggregated at source (never person-level). As delivered, validated, with lineage.';
comment on column raw.placements.municipality_code is 'Municipality code.';
comment on column raw.placements.year is 'Year.';
comment on column raw.placements.org_nr is 'Org nr.';
comment on column raw.placements.referrer is 'Referrer.';
comment on column raw.placements.placement_type is 'Placement type.';
comment on column raw.placements.sex is 'Sex.';
comment on column raw.placements.age_band is 'Age band.';
comment on column raw.placements.persons_started is 'Persons started.';
comment on column raw.placements.persons_ended is 'Persons ended.';
comment on column raw.placements.ended_to_unsubsidised_work is 'Ended to unsubsidised work.';
comment on column raw.placements.ended_to_subsidised_work is 'Ended to subsidised work.';
comment on column raw.placements.ended_to_studies is 'Ended to studies.';
comment on column raw.placements.participant_days is 'Participant days.';
comment on column raw.placements._file_id is 'File the row came from (meta.files.file_id).';
comment on column raw.placements._source_file is 'Path of the delivered file relative to the inbox.';
comment on column raw.placements._sha256 is 'SHA-256 of the delivered file.';
comment on column raw.placements._row_number is 'Data row number in the delivered file (1 = first row after the header).';
comment on column raw.placements._run_id is 'Run that loaded the row (meta.runs.run_id).';
comment on column raw.placements._loaded_at is 'When the row was loaded (UTC).';
