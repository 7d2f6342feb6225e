-- staging.annual_reports: the current rows of raw.annual_reports.
-- Current = from a loaded delivery that no newer delivery for the same municipality, dataset and
-- period has superseded (meta.files.superseded_by is null). Renames nothing; keeps _file_id and
-- _row_number so every figure can be traced to its file and row. Grain: one delivered row.
create or replace view staging.annual_reports as
with current_files as (
    select file_id from meta.files
    where dataset = 'annual_reports' and status = 'loaded' and superseded_by is null
),
source as (
    select * from raw.annual_reports
    where _file_id in (select file_id from current_files)
),
final as (
    select
        org_nr,
        year,
        turnover_sek,
        revenue_public_sek,
        revenue_from_municipality_sek,
        employees_k,
        employees_m,
        participants_k,
        participants_m,
        fte,
        participant_fte,
        _file_id,
        _row_number
    from source
)
select * from final;
comment on view staging.annual_reports is 'Current (not superseded) rows of raw.annual_reports.';
comment on column staging.annual_reports.org_nr is 'Org nr.';
comment on column staging.annual_reports.year is 'Year.';
comment on column staging.annual_reports.turnover_sek is 'Turnover sek.';
comment on column staging.annual_reports.revenue_public_sek is 'Revenue public sek.';
comment on column staging.annual_reports.revenue_from_municipality_sek is 'Revenue from municipality sek.';
comment on column staging.annual_reports.employees_k is 'Employees k.';
comment on column staging.annual_reports.employees_m is 'Employees m.';
comment on column staging.annual_reports.participants_k is 'Participants k.';
comment on column staging.annual_reports.participants_m is 'Participants m.';
comment on column staging.annual_reports.fte is 'Fte.';
comment on column staging.annual_reports._file_id is 'File the row came from (meta.files.file_id).';
comment on column staging.annual_reports._row_number is 'Data row number in the delivered file (1 = first row after the header).';
comment on column staging.annual_reports.participant_fte is 'Full-time equivalents of the participants in work integration only; NULL when not measured.';
