-- staging.support_activities: the current rows of raw.support_activities.
-- Current = from a loaded delivery that no newer delivery for the same municipality, dataset and
-- period has superseded (meta.files.superseded_by is null). Renames nothing; keeps _file_id and
-- _row_number so every figure can be traced to its file and row. Grain: one delivered row.
create or replace view staging.support_activities as
with current_files as (
    select file_id from meta.files
    where dataset = 'support_activities' and status = 'loaded' and superseded_by is null
),
source as (
    select * from raw.support_activities
    where _file_id in (select file_id from current_files)
),
final as (
    select
        activity_id,
        municipality_code,
        date,
        type,
        arranger,
        org_nr,
        participants,
        _file_id,
        _row_number
    from source
)
select * from final;
comment on view staging.support_activities is 'Current (not superseded) rows of raw.support_activities.';
comment on column staging.support_activities.activity_id is 'Activity id.';
comment on column staging.support_activities.municipality_code is 'Municipality code.';
comment on column staging.support_activities.date is 'Date.';
comment on column staging.support_activities.type is 'Type.';
comment on column staging.support_activities.arranger is 'Arranger.';
comment on column staging.support_activities.org_nr is 'Blank for open events.';
comment on column staging.support_activities.participants is 'Participants.';
comment on column staging.support_activities._file_id is 'File the row came from (meta.files.file_id).';
comment on column staging.support_activities._row_number is 'Data row number in the delivered file (1 = first row after the header).';
