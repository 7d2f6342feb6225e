-- core.review_list_years: the review list as it stood at the end of each reporting year, rebuilt
-- from dates: an organisation of core.social_economy_organisations was on a municipality's list on
-- 31 December of a year when it was registered by then, not yet deregistered, and not yet in any
-- municipal register. The register does not record when an enterprise was added to it; the date
-- its criteria were assessed (criteria_assessed_on) stands in for it, and an enterprise without
-- one counts as listed from the start. One row per organisation and year, with what happened to it
-- in the following year, so the report can say what became of the leads of the year before.
-- Grain: municipality_code, year, org_nr (municipality_code NULL: not placed in a municipality).
-- Sources: core.social_economy_organisations, staging.enterprises, core.calendar_years.
-- Serves Q1 (action plan AP1, AP2a; Agenda 2030 target 8.3, proxy).
create or replace view core.review_list_years as
with organisations as (
    select * from core.social_economy_organisations
),
listed as (
    -- when each organisation entered a municipal register (the earliest assessment, any municipality)
    select org_nr, min(coalesce(criteria_assessed_on, date '1900-01-01')) as listed_on
    from staging.enterprises
    group by org_nr
),
on_list as (
    select o.municipality_code, y.year, o.org_nr, o.deregistration_date, l.listed_on
    from organisations as o
    cross join core.calendar_years as y
    left join listed as l on l.org_nr = o.org_nr
    where o.registration_date <= y.year_end
      and (o.deregistration_date is null or o.deregistration_date > y.year_end)
      and (l.listed_on is null or l.listed_on > y.year_end)
),
final as (
    select
        municipality_code,
        year,
        org_nr,
        case
            when listed_on is not null and year(listed_on) = year + 1 then 'added_to_register'
            when deregistration_date is not null and year(deregistration_date) = year + 1 then 'deregistered'
            else 'still_on_list'
        end as next_year
    from on_list
)
select * from final;
comment on view core.review_list_years is 'The review list on 31 December of each reporting year (rebuilt from registration, deregistration and assessment dates), with what became of each lead the year after.';
comment on column core.review_list_years.municipality_code is 'APPROXIMATE kommunkod from the post town; NULL when not placed.';
comment on column core.review_list_years.year is 'The year on whose last day the organisation was on the list.';
comment on column core.review_list_years.org_nr is 'Organisation number (internal: the report prints counts only).';
comment on column core.review_list_years.next_year is 'What happened in the following year: added_to_register (its criteria were assessed and it entered a municipal register), deregistered, or still_on_list.';
