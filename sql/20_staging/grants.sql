-- staging.grants: the current rows of raw.grants.
-- Current = from a loaded delivery that no newer delivery for the same municipality, dataset and
-- period has superseded (meta.files.superseded_by is null). Renames nothing; keeps _file_id and
-- _row_number so every figure can be traced to its file and row. Grain: one delivered row.
create or replace view staging.grants as
with current_files as (
    select file_id from meta.files
    where dataset = 'grants' and status = 'loaded' and superseded_by is null
),
source as (
    select * from raw.grants
    where _file_id in (select file_id from current_files)
),
final as (
    select
        grant_id,
        municipality_code,
        org_nr,
        decision_date,
        amount_sek,
        grant_type,
        _file_id,
        _row_number
    from source
)
select * from final;
comment on view staging.grants is 'Current (not superseded) rows of raw.grants.';
comment on column staging.grants.grant_id is 'Grant id.';
comment on column staging.grants.municipality_code is 'Municipality code.';
comment on column staging.grants.org_nr is 'Org nr.';
comment on column staging.grants.decision_date is 'Decision date.';
comment on column staging.grants.amount_sek is 'Amount sek.';
comment on column staging.grants.grant_type is 'Grant type.';
comment on column staging.grants._file_id is 'File the row came from (meta.files.file_id).';
comment on column staging.grants._row_number is 'Data row number in the delivered file (1 = first row after the header).';
