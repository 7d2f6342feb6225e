-- indicators.se01_active_social_enterprises (SE01): social enterprises active on 31 December
-- (valid_from <= 31/12 < valid_to) in each municipality's register, in total and by WISE or not.
-- County rows (the region's code) are the sum over municipalities, not an average. A municipality
-- that has not delivered its register gets NULL with obs_status L rather than a false zero.
-- Grain: municipality_code, period, breakdown, breakdown_value. Sources: staging.enterprises.
-- Action plan AP2a, AP1; Agenda 2030 target 8.3 (proxy); motion question Q1.
create or replace view indicators.se01_active_social_enterprises as
with municipalities as (
    select code as municipality_code from meta.municipalities where not is_region
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
        coalesce(cov.delivered, false) as delivered
    from counted
    left join core.register_coverage as cov
      on cov.municipality_code = counted.municipality_code and cov.dataset = 'enterprises'
),
county as (
    select
        (select code from meta.municipalities where is_region) as municipality_code,
        year, breakdown, breakdown_value,
        sum(enterprises) filter (where delivered) as enterprises,
        bool_or(delivered) as delivered
    from with_coverage
    group by all
),
final as (
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
        case when delivered then enterprises end as n_units,
        cast(null as double) as top_share
    from (select * from with_coverage union all by name select * from county)
)
select * from final;
comment on view indicators.se01_active_social_enterprises is 'SE01 Active social enterprises on 31 December per municipality and year, total and WISE/not WISE; county rows summed.';
comment on column indicators.se01_active_social_enterprises.indicator_id is 'Indicator id (SE01).';
comment on column indicators.se01_active_social_enterprises.municipality_code is 'Kommunkod, or the region''s code for county rows.';
comment on column indicators.se01_active_social_enterprises.period is 'Calendar year.';
comment on column indicators.se01_active_social_enterprises.sex is 'T: not person-based.';
comment on column indicators.se01_active_social_enterprises.breakdown is 'total, or wise (split by Tillväxtverket''s WISE criteria).';
comment on column indicators.se01_active_social_enterprises.breakdown_value is '_T for the total; wise or not_wise.';
comment on column indicators.se01_active_social_enterprises.value is 'Number of social enterprises active on 31 December; NULL when the register was not delivered.';
comment on column indicators.se01_active_social_enterprises.unit is 'count.';
comment on column indicators.se01_active_social_enterprises.obs_status is 'A normal; L the municipality has not delivered its register.';
comment on column indicators.se01_active_social_enterprises.source is 'Where the figure comes from.';
comment on column indicators.se01_active_social_enterprises.measure is 'Kind of measure, for disclosure control (count_enterprises: not person data).';
comment on column indicators.se01_active_social_enterprises.numerator is 'Numerator (the count itself).';
comment on column indicators.se01_active_social_enterprises.denominator is 'Denominator; NULL for counts.';
comment on column indicators.se01_active_social_enterprises.n_units is 'Enterprises contributing to the cell.';
comment on column indicators.se01_active_social_enterprises.top_share is 'Share of the largest contributor (money aggregates only).';
