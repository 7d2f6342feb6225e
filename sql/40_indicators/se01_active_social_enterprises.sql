-- indicators.se01_active_social_enterprises (SE01): social enterprises active on 31 December
-- (valid_from <= 31/12 < valid_to) in each municipality's register, in total and by WISE or not;
-- also per 10 000 inhabitants (SCB population on 31 December; rate rows for the years SCB has
-- published, P when the SCB source is provisional). Municipal cells only: indicators.all_values
-- applies coverage (no register = L) and makes the county rows, counting an enterprise in two
-- registers once and dividing by the summed population (never averaging rates).
-- Grain: municipality_code, period, breakdown, breakdown_value, unit.
-- Sources: core.enterprises (register + Bolagsverket), core.population (SCB).
-- Action plan AP2a, AP1; Agenda 2030 target 8.3 (proxy); motion question Q1.
-- column comments from indicators.municipal_cells
create or replace view indicators.se01_active_social_enterprises as
with active as (
    select g.municipality_code, g.year, e.org_nr, e.is_wise
    from core.municipality_years as g
    join core.enterprises as e
      on e.municipality_code = g.municipality_code
     and e.valid_from <= g.year_end and (e.valid_to is null or e.valid_to > g.year_end)
),
counted as (
    select g.municipality_code, g.year, b.breakdown, b.breakdown_value,
           list(core.contribution(a.org_nr, 1, null, null)) filter (where a.org_nr is not null) as contributors
    from core.municipality_years as g
    cross join (values ('total', '_T'), ('wise', 'wise'), ('wise', 'not_wise')) as b(breakdown, breakdown_value)
    left join active as a
      on a.municipality_code = g.municipality_code and a.year = g.year
     and (b.breakdown = 'total' or (b.breakdown_value = 'wise') = a.is_wise)
    group by all
),
scb as (
    select coalesce(bool_or(provisional), false) as provisional from meta.source_status where source = 'scb'
),
final as (
    select
        'SE01' as indicator_id, c.municipality_code, c.year, cast(c.year as varchar) as period, 'T' as sex,
        c.breakdown, c.breakdown_value, u.unit,
        case when u.per_inhabitants then 'rate' else 'count_enterprises' end as measure,
        cast(coalesce(len(c.contributors), 0) as double) as numerator,
        case when u.per_inhabitants then p.population end as denominator,
        cast(null as double) as persons,
        case when u.per_inhabitants then 10000.0 end as scale,
        'distinct' as numerator_rollup,
        case when u.per_inhabitants then 'sum' end as denominator_rollup,
        coalesce(c.contributors, []) as contributors,
        u.per_inhabitants and (select provisional from scb) as provisional,
        case when u.per_inhabitants then 'municipal register; SCB' else 'municipal register' end as source
    from counted as c
    cross join (values ('count', false), ('per 10 000 inhabitants', true)) as u(unit, per_inhabitants)
    left join core.population as p on p.municipality_code = c.municipality_code and p.year = c.year
    where not u.per_inhabitants or c.year in (select year from core.population)
)
select * from final;
comment on view indicators.se01_active_social_enterprises is 'SE01 Active social enterprises on 31 December per municipality and year, total and WISE/not WISE, as a count and per 10 000 inhabitants (municipal cells; all_values adds coverage and county rows).';
