-- export.report_review_list: the review list over the years, per municipality (by post town,
-- approximate) and for the county (every lead, placed or not): how many leads stood on it at the
-- end of each year, and what became of the leads of the year before during the year -- assessed and
-- added to a municipal register, deregistered, or still on the list. Counts only: names stay in the
-- warehouse. NULL while neither bulk register file has been loaded.
-- Grain: municipality_code, year.
-- Sources: core.review_list_years, core.calendar_years, meta.municipalities, raw.bolagsverket_register,
-- raw.scb_register (only whether they hold rows).
-- Action plan AP1, AP2a; Agenda 2030 target 8.3 (proxy).
create or replace view export.report_review_list as
with loaded as (
    select (select count(*) from raw.bolagsverket_register) + (select count(*) from raw.scb_register) > 0
        as bulk_files_loaded
),
areas as (
    select code as municipality_code, is_region from meta.municipalities
),
grid as (
    select a.municipality_code, a.is_region, y.year
    from areas as a
    cross join core.calendar_years as y
),
counted as (
    select
        g.municipality_code,
        g.year,
        count(distinct l.org_nr) filter (where l.year = g.year) as leads,
        count(distinct l.org_nr) filter (where l.year = g.year - 1) as leads_year_before,
        count(distinct l.org_nr) filter (where l.year = g.year - 1 and l.next_year = 'added_to_register')
            as added_to_register,
        count(distinct l.org_nr) filter (where l.year = g.year - 1 and l.next_year = 'deregistered')
            as deregistered,
        count(distinct l.org_nr) filter (where l.year = g.year - 1 and l.next_year = 'still_on_list')
            as still_on_list
    from grid as g
    left join core.review_list_years as l
      on (g.is_region or l.municipality_code = g.municipality_code) and l.year in (g.year, g.year - 1)
    group by all
),
final as (
    select
        c.municipality_code,
        c.year,
        case when l.bulk_files_loaded then c.leads end as leads,
        case when l.bulk_files_loaded then c.leads_year_before end as leads_year_before,
        case when l.bulk_files_loaded then c.added_to_register end as added_to_register,
        case when l.bulk_files_loaded then c.deregistered end as deregistered,
        case when l.bulk_files_loaded then c.still_on_list end as still_on_list
    from counted as c
    cross join loaded as l
)
select * from final;
comment on view export.report_review_list is 'The review list per municipality (approximate) and county at the end of each year, and what became of the year before''s leads: counts only.';
comment on column export.report_review_list.municipality_code is 'Kommunkod, or the region''s code for every lead in the county.';
comment on column export.report_review_list.year is 'Reporting year.';
comment on column export.report_review_list.leads is 'Organisations on the list on 31 December of the year.';
comment on column export.report_review_list.leads_year_before is 'Organisations on the list on 31 December of the year before.';
comment on column export.report_review_list.added_to_register is 'Of those: assessed and added to a municipal register during the year.';
comment on column export.report_review_list.deregistered is 'Of those: deregistered during the year.';
comment on column export.report_review_list.still_on_list is 'Of those: still on the list at the end of the year.';
