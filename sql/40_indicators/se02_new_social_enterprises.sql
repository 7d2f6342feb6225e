-- indicators.se02_new_social_enterprises (SE02): social enterprises in the register whose start date
-- falls in the year, in total, WISE / not WISE and by legal form (core.enterprises.legal_form_code:
-- Bolagsverket's code, else SCB's, else the register's). Legal-form cells exist for the forms found in
-- the municipality's register, so every municipality's breakdown sums to its total. Municipal cells
-- only: indicators.all_values applies coverage and makes the county rows (an enterprise in two
-- registers counts once).
-- Grain: municipality_code, period, breakdown, breakdown_value.
-- Sources: core.enterprises (register, Bolagsverket, SCB).
-- Action plan AP2a; Agenda 2030 target 8.3 (proxy); motion question Q1.
-- column comments from indicators.municipal_cells
create or replace view indicators.se02_new_social_enterprises as
with started as (
    select municipality_code, cast(year(valid_from) as integer) as year, org_nr, is_wise, legal_form_code
    from core.enterprises
),
cells as (
    select g.municipality_code, g.year, b.breakdown, b.breakdown_value
    from core.municipality_years as g
    cross join (values ('total', '_T'), ('wise', 'wise'), ('wise', 'not_wise')) as b(breakdown, breakdown_value)
    union all
    select distinct g.municipality_code, g.year, 'legal_form', e.legal_form_code
    from core.municipality_years as g
    join core.enterprises as e on e.municipality_code = g.municipality_code
),
counted as (
    select c.municipality_code, c.year, c.breakdown, c.breakdown_value,
           list(core.contribution(s.org_nr, 1, null, null)) filter (where s.org_nr is not null) as contributors
    from cells as c
    left join started as s
      on s.municipality_code = c.municipality_code and s.year = c.year
     and (c.breakdown = 'total'
          or (c.breakdown = 'wise' and (c.breakdown_value = 'wise') = s.is_wise)
          or (c.breakdown = 'legal_form' and s.legal_form_code = c.breakdown_value))
    group by all
),
final as (
    select
        'SE02' as indicator_id, municipality_code, year, cast(year as varchar) as period, 'T' as sex,
        breakdown, breakdown_value, 'count' as unit, 'count_enterprises' as measure,
        cast(coalesce(len(contributors), 0) as double) as numerator,
        cast(null as double) as denominator, cast(null as double) as persons, cast(null as double) as scale,
        'distinct' as numerator_rollup, cast(null as varchar) as denominator_rollup,
        coalesce(contributors, []) as contributors, false as provisional,
        'municipal register; Bolagsverket' as source
    from counted
)
select * from final;
comment on view indicators.se02_new_social_enterprises is 'SE02 New social enterprises (start date in the year) per municipality and year: total, WISE/not WISE, legal form (municipal cells; all_values adds coverage and county rows).';
