-- indicators.se05_social_enterprises_as_suppliers (SE05): distinct social enterprises (active in the
-- register on the posting date) the municipality paid more than 0 SEK net in the year, in total and
-- WISE / not WISE. County rows sum the municipalities. No ledger or no register delivery = L.
-- Grain: municipality_code, period, breakdown, breakdown_value.
-- Sources: core.purchases (supplier ledger matched to core.enterprises).
-- Action plan AP2d; Agenda 2030 target 12.7 (proxy); motion question Q1.
create or replace view indicators.se05_social_enterprises_as_suppliers as
with municipalities as (
    select code as municipality_code from meta.municipalities where not is_region
),
coverage as (
    select
        m.municipality_code,
        coalesce(inv.delivered, false) and coalesce(reg.delivered, false) as delivered
    from municipalities as m
    left join core.register_coverage as inv
      on inv.municipality_code = m.municipality_code and inv.dataset = 'supplier_invoices'
    left join core.register_coverage as reg
      on reg.municipality_code = m.municipality_code and reg.dataset = 'enterprises'
),
paid as (
    -- enterprises with a positive net amount in the year (credit notes netted off)
    select municipality_code, year, org_nr, any_value(is_wise) as is_wise
    from core.purchases
    where is_social_enterprise
    group by municipality_code, year, org_nr
    having sum(amount_sek) > 0
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
        count(p.org_nr) as enterprises
    from cells as c
    left join paid as p
      on p.municipality_code = c.municipality_code and p.year = c.year
     and (c.breakdown = 'total'
          or (c.breakdown_value = 'wise' and p.is_wise)
          or (c.breakdown_value = 'not_wise' and not p.is_wise))
    group by all
),
with_coverage as (
    select counted.*, cov.delivered
    from counted
    join coverage as cov on cov.municipality_code = counted.municipality_code
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
        'SE05' as indicator_id,
        municipality_code,
        cast(year as varchar) as period,
        'T' as sex,
        breakdown,
        breakdown_value,
        case when delivered then cast(enterprises as double) end as value,
        'count' as unit,
        case when delivered then 'A' else 'L' end as obs_status,
        'supplier ledger; municipal register' as source,
        'count_enterprises' as measure,
        case when delivered then cast(enterprises as double) end as numerator,
        cast(null as double) as denominator,
        cast(case when delivered then enterprises end as bigint) as n_units,
        cast(null as double) as top_share
    from (select * from with_coverage union all by name select * from county)
)
select * from final;
comment on view indicators.se05_social_enterprises_as_suppliers is 'SE05 Social enterprises paid more than 0 SEK net by the municipality in the year; county rows summed.';
comment on column indicators.se05_social_enterprises_as_suppliers.indicator_id is 'Indicator id (SE05).';
comment on column indicators.se05_social_enterprises_as_suppliers.municipality_code is 'Kommunkod, or the region''s code for county rows.';
comment on column indicators.se05_social_enterprises_as_suppliers.period is 'Calendar year of the postings.';
comment on column indicators.se05_social_enterprises_as_suppliers.sex is 'T: not person-based.';
comment on column indicators.se05_social_enterprises_as_suppliers.breakdown is 'total, or wise.';
comment on column indicators.se05_social_enterprises_as_suppliers.breakdown_value is '_T; wise or not_wise.';
comment on column indicators.se05_social_enterprises_as_suppliers.value is 'Number of social enterprises with a positive net amount paid in the year.';
comment on column indicators.se05_social_enterprises_as_suppliers.unit is 'count.';
comment on column indicators.se05_social_enterprises_as_suppliers.obs_status is 'A normal; L ledger or register not delivered.';
comment on column indicators.se05_social_enterprises_as_suppliers.source is 'Where the figure comes from.';
comment on column indicators.se05_social_enterprises_as_suppliers.measure is 'count_enterprises: not person data, not suppressed.';
comment on column indicators.se05_social_enterprises_as_suppliers.numerator is 'The count itself.';
comment on column indicators.se05_social_enterprises_as_suppliers.denominator is 'NULL for counts.';
comment on column indicators.se05_social_enterprises_as_suppliers.n_units is 'Enterprises contributing to the cell.';
comment on column indicators.se05_social_enterprises_as_suppliers.top_share is 'NULL (money aggregates only).';
