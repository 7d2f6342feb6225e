-- indicators.se03_survival_3_years (SE03): of the social enterprises started in year S, the share
-- still active on 31 December of S+3 (not ended in the register, not deregistered, bankrupt or
-- liquidated at Bolagsverket: core.enterprises.valid_to). Period 'S-(S+3)' for each start year S
-- from first_year to last_year - 3. Cohorts are small, so the same cohorts are also pooled (breakdown
-- cohort = pooled, period 'first_year-last_year': start years first_year to last_year - 3, each
-- followed three years): pooled and county shares divide summed survivors by summed starters, never
-- average shares. A cohort of zero is a share of nothing (M: "inga nystartade"); a provisional
-- Bolagsverket source makes the cells P. Municipal cells only: indicators.all_values applies coverage
-- and makes the county rows (an enterprise in two registers counts once).
-- Grain: municipality_code, period, breakdown, breakdown_value.
-- Sources: core.enterprises (register end dates completed by Bolagsverket deregistrations).
-- Action plan AP2a; Agenda 2030 target 8.3 (proxy); motion question Q1.
-- column comments from indicators.municipal_cells
create or replace view indicators.se03_survival_3_years as
with bounds as (
    select min(year) as first_year, max(year) as last_year from core.calendar_years
),
cohorts as (
    -- start years whose 3-year window ends within the reporting years
    select g.municipality_code, g.year as start_year
    from core.municipality_years as g, bounds
    where g.year + 3 <= bounds.last_year
),
followed as (
    select c.municipality_code, c.start_year, e.org_nr,
           (e.valid_to is null or e.valid_to > make_date(c.start_year + 3, 12, 31)) as survived
    from cohorts as c
    left join core.enterprises as e
      on e.municipality_code = c.municipality_code and year(e.valid_from) = c.start_year
),
cells as (
    select municipality_code, start_year + 3 as year,
           cast(start_year as varchar) || '-' || cast(start_year + 3 as varchar) as period,
           'total' as breakdown, '_T' as breakdown_value,
           list(core.contribution(org_nr, survived::int, 1, null)) filter (where org_nr is not null) as contributors
    from followed
    group by all
    union all
    select f.municipality_code, null as year,
           cast(b.first_year as varchar) || '-' || cast(b.last_year as varchar) as period,
           'cohort' as breakdown, 'pooled' as breakdown_value,
           list(core.contribution(f.org_nr, f.survived::int, 1, null)) filter (where f.org_nr is not null)
    from followed as f, bounds as b
    group by all
),
bolagsverket as (
    select coalesce(bool_or(provisional), false) as provisional from meta.source_status where source = 'bolagsverket'
),
final as (
    select
        'SE03' as indicator_id, municipality_code, year, period, 'T' as sex, breakdown, breakdown_value,
        '%' as unit, 'rate' as measure,
        cast(coalesce(len(list_filter(contributors, lambda c: c.numerator > 0)), 0) as double) as numerator,
        cast(coalesce(len(contributors), 0) as double) as denominator,
        cast(null as double) as persons, 100.0 as scale,
        'distinct' as numerator_rollup, 'distinct' as denominator_rollup,
        coalesce(contributors, []) as contributors,
        (select provisional from bolagsverket) as provisional,
        'municipal register; Bolagsverket' as source
    from cells
)
select * from final;
comment on view indicators.se03_survival_3_years is 'SE03 3-year survival (%) of social enterprises by start-year cohort (period S-(S+3)) and pooled over the cohorts (municipal cells; all_values adds coverage and county rows).';
