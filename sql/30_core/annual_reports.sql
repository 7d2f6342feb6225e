-- core.annual_reports: figures the social enterprises report with consent, attributed to the
-- municipality that delivered them (the inbox folder), with persons summed over sex.
-- Grain: municipality_code, org_nr, year. Sources: staging.annual_reports, meta.files, core.enterprises.
-- Serves SE11-SE13 (action plan AP2a, AP2b; Agenda 2030 targets 8.3, 8.5, 10.2, proxies).
create or replace view core.annual_reports as
with reports as (
    select r.*, f.municipality_code
    from staging.annual_reports as r
    join meta.files as f on f.file_id = r._file_id
),
final as (
    select
        r.municipality_code,
        r.org_nr,
        e.name as enterprise_name,
        e.org_nr is not null as in_register,
        e.is_wise,
        cast(r.year as integer) as year,
        r.turnover_sek,
        r.revenue_public_sek,
        r.revenue_from_municipality_sek,
        r.employees_k,
        r.employees_m,
        r.employees_k + r.employees_m as employees,
        r.participants_k,
        r.participants_m,
        r.participants_k + r.participants_m as participants,
        r.fte,
        r.participant_fte,
        r._file_id,
        r._row_number
    from reports as r
    left join core.enterprises as e on e.municipality_code = r.municipality_code and e.org_nr = r.org_nr
)
select * from final;
comment on view core.annual_reports is 'Figures reported by the social enterprises (with consent), per enterprise and year, attributed to the delivering municipality.';
comment on column core.annual_reports.municipality_code is 'Kommunkod of the municipality that delivered the report.';
comment on column core.annual_reports.org_nr is 'Organisation number of the reporting enterprise (internal use only).';
comment on column core.annual_reports.enterprise_name is 'Name in the municipality''s register; NULL when not listed.';
comment on column core.annual_reports.in_register is 'True when the enterprise is in the municipality''s register.';
comment on column core.annual_reports.is_wise is 'The enterprise meets the WISE criteria; NULL when not in the register.';
comment on column core.annual_reports.year is 'Reporting year.';
comment on column core.annual_reports.turnover_sek is 'Turnover, SEK.';
comment on column core.annual_reports.revenue_public_sek is 'Revenue from the public sector, SEK.';
comment on column core.annual_reports.revenue_from_municipality_sek is 'Revenue from the municipality itself, SEK.';
comment on column core.annual_reports.employees_k is 'Women employed on 31 December.';
comment on column core.annual_reports.employees_m is 'Men employed on 31 December.';
comment on column core.annual_reports.employees is 'Employees on 31 December (women + men); NULL when either is missing.';
comment on column core.annual_reports.participants_k is 'Women in work integration during the year.';
comment on column core.annual_reports.participants_m is 'Men in work integration during the year.';
comment on column core.annual_reports.participants is 'Persons in work integration during the year (women + men); NULL when either is missing.';
comment on column core.annual_reports.fte is 'Full-time equivalents of the persons in work integration.';
comment on column core.annual_reports._file_id is 'Delivered file (meta.files.file_id).';
comment on column core.annual_reports._row_number is 'Row number in that file.';
comment on column core.annual_reports.participant_fte is 'Full-time equivalents of the participants in work integration only; NULL when not measured.';
