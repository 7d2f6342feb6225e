-- indicators.se01_active_social_enterprises (SE01): social enterprises active on 31 December
-- (valid_from <= 31/12 < valid_to) in each municipality's register, in total and by WISE or not;
-- also per 10 000 inhabitants (SCB population on 31 December). County rows (the region's code) sum
-- the municipalities' counts and populations, never average their rates. A municipality that has not
-- delivered its register gets NULL with obs_status L rather than a false zero. Rate rows exist for
-- the years SCB has published population for; an area without a figure in such a year is NULL
-- with L; rates from a provisional SCB source are P.
-- Grain: municipality_code, period, breakdown, breakdown_value, unit.
-- Sources: core.enterprises (register + Bolagsverket), core.population (SCB).
-- Action plan AP2a, AP1; Agenda 2030 target 8.3 (proxy); motion question Q1.
create or replace view indicators.se01_active_social_enterprises as
with municipalities as (
    select code as municipality_code from meta.municipalities where not is_region
),
scb_provisional as (
    select coalesce(bool_or(provisional), false) as provisional from meta.source_status where source = 'scb'
),
active as (
    select e.municipality_code, y.year, e.org_nr, e.is_wise
    from core.enterprises as e
    join core.calendar_years as y
      on e.valid_from <= y.year_end and (e.valid_to is null or e.valid_to > y.year_end)
),
cells as (
    select m.municipality_code, y.year, b.breakdown, b.breakdown_value
    from municipalities as m
    cross join core.calendar_years as y
    cross join (values ('total', '_T'), ('wise', 'wise'), ('wise', 'not_wise')) as b(breakdown, breakdown_value)
),
counted as (
    select
        c.municipality_code, c.year, c.breakdown, c.breakdown_value,
        count(a.org_nr) as enterprises
    from cells as c
    left join active as a
      on a.municipality_code = c.municipality_code
     and a.year = c.year
     and (c.breakdown = 'total'
          or (c.breakdown_value = 'wise' and a.is_wise)
          or (c.breakdown_value = 'not_wise' and not a.is_wise))
    group by all
),
with_coverage as (
    select
        counted.*,
        coalesce(cov.delivered, false) as delivered,
        p.population
    from counted
    left join core.register_coverage as cov
      on cov.municipality_code = counted.municipality_code and cov.dataset = 'enterprises'
    left join core.population as p
      on p.municipality_code = counted.municipality_code and p.year = counted.year
),
county as (
    -- the county rate divides by the population of the same (delivering) municipalities; it is
    -- NULL when one of them has no population figure for the year
    select
        (select code from meta.municipalities where is_region) as municipality_code,
        year, breakdown, breakdown_value,
        sum(enterprises) filter (where delivered) as enterprises,
        bool_or(delivered) as delivered,
        case when count(*) filter (where delivered and population is null) = 0
             then sum(population) filter (where delivered) end as population
    from with_coverage
    group by all
),
both_levels as (
    select * from with_coverage
    union all by name
    select * from county
),
counts as (
    select
        'SE01' as indicator_id,
        municipality_code,
        cast(year as varchar) as period,
        'T' as sex,
        breakdown,
        breakdown_value,
        case when delivered then cast(enterprises as double) end as value,
        'count' as unit,
        case when delivered then 'A' else 'L' end as obs_status,
        'municipal register' as source,
        'count_enterprises' as measure,
        case when delivered then cast(enterprises as double) end as numerator,
        cast(null as double) as denominator,
        cast(case when delivered then enterprises end as bigint) as n_units,
        cast(null as double) as top_share
    from both_levels
),
rates as (
    select
        'SE01' as indicator_id,
        municipality_code,
        cast(year as varchar) as period,
        'T' as sex,
        breakdown,
        breakdown_value,
        case when delivered and population > 0 then 10000.0 * enterprises / population end as value,
        'per 10 000 inhabitants' as unit,
        case
            when not delivered or population is null then 'L'
            when population = 0 then 'M'
            when (select provisional from scb_provisional) then 'P'
            else 'A'
        end as obs_status,
        'municipal register; SCB' as source,
        'rate' as measure,
        case when delivered then cast(enterprises as double) end as numerator,
        cast(population as double) as denominator,
        cast(case when delivered then enterprises end as bigint) as n_units,
        cast(null as double) as top_share
    from both_levels
    -- rate rows exist for the years SCB has published population for (any area)
    where year in (select year from core.population)
),
final as (
    select * from counts
    union all
    select * from rates
)
select * from final;
comment on view indicators.se01_active_social_enterprises is 'SE01 Active social enterprises on 31 December per municipality and year, total and WISE/not WISE, as a count and per 10 000 inhabitants; county rows summed.';
comment on column indicators.se01_active_social_enterprises.indicator_id is 'Indicator id (SE01).';
comment on column indicators.se01_active_social_enterprises.municipality_code is 'Kommunkod, or the region''s code for county rows.';
comment on column indicators.se01_active_social_enterprises.period is 'Calendar year.';
comment on column indicators.se01_active_social_enterprises.sex is 'T: not person-based.';
comment on column indicators.se01_active_social_enterprises.breakdown is 'total, or wise (split by Tillväxtverket''s WISE criteria).';
comment on column indicators.se01_active_social_enterprises.breakdown_value is '_T for the total; wise or not_wise.';
comment on column indicators.se01_active_social_enterprises.value is 'Number of social enterprises active on 31 December, or that number per 10 000 inhabitants; NULL when the register (or the population) is missing.';
comment on column indicators.se01_active_social_enterprises.unit is 'count, or per 10 000 inhabitants.';
comment on column indicators.se01_active_social_enterprises.obs_status is 'A normal; L register or population not delivered; M zero population; P provisional SCB population.';
comment on column indicators.se01_active_social_enterprises.source is 'Where the figure comes from.';
comment on column indicators.se01_active_social_enterprises.measure is 'Kind of measure, for disclosure control (count_enterprises, rate: not person data).';
comment on column indicators.se01_active_social_enterprises.numerator is 'Active enterprises.';
comment on column indicators.se01_active_social_enterprises.denominator is 'Inhabitants on 31 December (rates only).';
comment on column indicators.se01_active_social_enterprises.n_units is 'Enterprises contributing to the cell.';
comment on column indicators.se01_active_social_enterprises.top_share is 'Share of the largest contributor (money aggregates only).';
