-- indicators.se02_new_social_enterprises (SE02): social enterprises in the register whose start date
-- falls in the year, in total, WISE / not WISE and by legal form (core.enterprises.legal_form_code:
-- Bolagsverket's code, else SCB's, else the register's). Legal-form cells exist for the forms found
-- in the municipality's register, so every municipality's breakdown sums to its total. County rows
-- sum the municipalities. A municipality without a register delivery is NULL with obs_status L.
-- Grain: municipality_code, period, breakdown, breakdown_value.
-- Sources: core.enterprises (register, Bolagsverket, SCB).
-- Action plan AP2a; Agenda 2030 target 8.3 (proxy); motion question Q1.
create or replace view indicators.se02_new_social_enterprises as
with municipalities as (
    select code as municipality_code from meta.municipalities where not is_region
),
started as (
    select municipality_code, cast(year(valid_from) as integer) as year, org_nr, is_wise, legal_form_code
    from core.enterprises
),
legal_forms as (
    select distinct municipality_code, 'legal_form' as breakdown, legal_form_code as breakdown_value
    from core.enterprises
),
breakdowns as (
    select m.municipality_code, b.breakdown, b.breakdown_value
    from municipalities as m
    cross join (values ('total', '_T'), ('wise', 'wise'), ('wise', 'not_wise')) as b(breakdown, breakdown_value)
    union all
    select municipality_code, breakdown, breakdown_value from legal_forms
),
cells as (
    select b.*, y.year
    from breakdowns as b
    cross join core.calendar_years as y
),
counted as (
    select
        c.municipality_code, c.year, c.breakdown, c.breakdown_value,
        count(s.org_nr) as enterprises
    from cells as c
    left join started as s
      on s.municipality_code = c.municipality_code
     and s.year = c.year
     and (c.breakdown = 'total'
          or (c.breakdown_value = 'wise' and s.is_wise)
          or (c.breakdown_value = 'not_wise' and not s.is_wise)
          or (c.breakdown = 'legal_form' and s.legal_form_code = c.breakdown_value))
    group by all
),
with_coverage as (
    select counted.*, coalesce(cov.delivered, false) as delivered
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
        'SE02' as indicator_id,
        municipality_code,
        cast(year as varchar) as period,
        'T' as sex,
        breakdown,
        breakdown_value,
        case when delivered then cast(enterprises as double) end as value,
        'count' as unit,
        case when delivered then 'A' else 'L' end as obs_status,
        'municipal register; Bolagsverket' as source,
        'count_enterprises' as measure,
        case when delivered then cast(enterprises as double) end as numerator,
        cast(null as double) as denominator,
        cast(case when delivered then enterprises end as bigint) as n_units,
        cast(null as double) as top_share
    from (select * from with_coverage union all by name select * from county)
)
select * from final;
comment on view indicators.se02_new_social_enterprises is 'SE02 New social enterprises (start date in the year) per municipality and year: total, WISE/not WISE, legal form; county rows summed.';
comment on column indicators.se02_new_social_enterprises.indicator_id is 'Indicator id (SE02).';
comment on column indicators.se02_new_social_enterprises.municipality_code is 'Kommunkod, or the region''s code for county rows.';
comment on column indicators.se02_new_social_enterprises.period is 'Calendar year of the start date.';
comment on column indicators.se02_new_social_enterprises.sex is 'T: not person-based.';
comment on column indicators.se02_new_social_enterprises.breakdown is 'total, wise, or legal_form.';
comment on column indicators.se02_new_social_enterprises.breakdown_value is '_T; wise/not_wise; a legal form code (EK, I, S, AB ... or unknown).';
comment on column indicators.se02_new_social_enterprises.value is 'Number of social enterprises started in the year; NULL when the register was not delivered.';
comment on column indicators.se02_new_social_enterprises.unit is 'count.';
comment on column indicators.se02_new_social_enterprises.obs_status is 'A normal; L the municipality has not delivered its register.';
comment on column indicators.se02_new_social_enterprises.source is 'Where the figure comes from.';
comment on column indicators.se02_new_social_enterprises.measure is 'count_enterprises: not person data, not suppressed.';
comment on column indicators.se02_new_social_enterprises.numerator is 'The count itself.';
comment on column indicators.se02_new_social_enterprises.denominator is 'NULL for counts.';
comment on column indicators.se02_new_social_enterprises.n_units is 'Enterprises contributing to the cell.';
comment on column indicators.se02_new_social_enterprises.top_share is 'NULL (money aggregates only).';
