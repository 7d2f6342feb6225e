-- staging.placements: the current rows of raw.placements.
-- Current = from a loaded delivery that no newer delivery for the same municipality, dataset and
-- period has superseded (meta.files.superseded_by is null). Renames nothing; keeps _file_id and
-- _row_number so every figure can be traced to its file and row. Grain: one delivered row.
create or replace view staging.placements as
with current_files as (
    select file_id from meta.files
    where dataset = 'placements' and status = 'loaded' and superseded_by is null
),
source as (
    select * from raw.placements
    where _file_id in (select file_id from current_files)
),
final as (
    select
        municipality_code,
        year,
        org_nr,
        referrer,
        placement_type,
        sex,
        age_band,
        persons_started,
        persons_ended,
        ended_to_unsubsidised_work,
        ended_to_subsidised_work,
        ended_to_studies,
        participant_days,
        _file_id,
        _row_number
    from source
)
select * from final;
comment on view staging.placements is 'Current (not superseded) rows of raw.placements.';
comment on column staging.placements.municipality_code is 'Municipality code.';
comment on column staging.placements.year is 'Year.';
comment on column staging.placements.org_nr is 'Org nr.';
comment on column staging.placements.referrer is 'Referrer.';
comment on column staging.placements.placement_type is 'Placement type.';
comment on column staging.placements.sex is 'Sex.';
comment on column staging.placements.age_band is 'Age band.';
comment on column staging.placements.persons_started is 'Persons started.';
comment on column staging.placements.persons_ended is 'Persons ended.';
comment on column staging.placements.ended_to_unsubsidised_work is 'Ended to unsubsidised work.';
comment on column staging.placements.ended_to_subsidised_work is 'Ended to subsidised work.';
comment on column staging.placements.ended_to_studies is 'Ended to studies.';
comment on column staging.placements.participant_days is 'Participant days.';
comment on column staging.placements._file_id is 'File the row came from (meta.files.file_id).';
comment on column staging.placements._row_number is 'Data row number in the delivered file (1 = first row after the header).';
