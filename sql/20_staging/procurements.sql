-- staging.procurements: the current rows of raw.procurements.
-- Current = from a loaded delivery that no newer delivery for the same municipality, dataset and
-- period has superseded (meta.files.superseded_by is null). Renames nothing; keeps _file_id and
-- _row_number so every figure can be traced to its file and row. Grain: one delivered row.
create or replace view staging.procurements as
with current_files as (
    select file_id from meta.files
    where dataset = 'procurements' and status = 'loaded' and superseded_by is null
),
source as (
    select * from raw.procurements
    where _file_id in (select file_id from current_files)
),
final as (
    select
        procurement_id,
        municipality_code,
        published_date,
        title,
        estimated_value_sek,
        procedure,
        reserved,
        employment_requirement,
        social_criteria,
        awarded_org_nrs,
        requirements_followed_up,
        _file_id,
        _row_number
    from source
)
select * from final;
comment on view staging.procurements is 'Current (not superseded) rows of raw.procurements.';
comment on column staging.procurements.procurement_id is 'Procurement id.';
comment on column staging.procurements.municipality_code is 'Municipality code.';
comment on column staging.procurements.published_date is 'Published date.';
comment on column staging.procurements.title is 'Title.';
comment on column staging.procurements.estimated_value_sek is 'Estimated value sek.';
comment on column staging.procurements.procedure is 'Procedure.';
comment on column staging.procurements.reserved is 'Reserved under LOU 4:18, 19:6a, or none.';
comment on column staging.procurements.employment_requirement is 'Employment requirement.';
comment on column staging.procurements.social_criteria is 'Social criteria.';
comment on column staging.procurements.awarded_org_nrs is '''|''-separated organisation numbers of the winners.';
comment on column staging.procurements.requirements_followed_up is 'Requirements followed up during the contract (NULL: not known).';
comment on column staging.procurements._file_id is 'File the row came from (meta.files.file_id).';
comment on column staging.procurements._row_number is 'Data row number in the delivered file (1 = first row after the header).';
