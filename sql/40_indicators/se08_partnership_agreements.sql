-- indicators.se08_partnership_agreements (SE08): agreements of type IOP (idéburet offentligt
-- partnerskap) or grant agreement (bidragsöverenskommelse) with social enterprises or idéburna
-- organisations that were in force at some time in the year (start <= 31/12 and end >= 1/1 or
-- open), and the annual value (SEK) the municipality committed to them; in total and by type.
-- Partnerships are not procurement: never add these values to SE04. The SEK rows are enterprise
-- aggregates (n_units = counterparts, top_share = the largest counterpart's share) for the
-- dominance rule. County rows sum the municipalities. No agreements delivery = L.
-- Grain: municipality_code, period, breakdown, breakdown_value, unit.
-- Sources: core.agreements.
-- Action plan AP2c, AP3; Agenda 2030 target 17.17 (proxy, not 17.17.1); motion questions Q1 and Q2.
create or replace view indicators.se08_partnership_agreements as
with municipalities as (
    select code as municipality_code from meta.municipalities where not is_region
),
breakdowns as (
    select * from (values ('total', '_T'), ('agreement_type', 'iop'), ('agreement_type', 'grant_agreement'))
        as b(breakdown, breakdown_value)
),
in_force as (
    select a.municipality_code, y.year, a.agreement_id, a.org_nr, a.agreement_type, a.annual_value_sek
    from core.agreements as a
    join core.calendar_years as y
      on a.start_date <= y.year_end
     and (a.end_date is null or a.end_date >= make_date(y.year, 1, 1))
    where a.agreement_type in ('iop', 'grant_agreement')
),
per_counterpart as (
    select
        f.municipality_code, f.year, b.breakdown, b.breakdown_value, f.org_nr,
        count(*) as agreements,
        coalesce(sum(f.annual_value_sek), 0) as amount
    from in_force as f
    join breakdowns as b on b.breakdown = 'total' or b.breakdown_value = f.agreement_type
    group by all
),
cells as (
    select m.municipality_code, y.year, b.breakdown, b.breakdown_value
    from municipalities as m
    cross join core.calendar_years as y
    cross join breakdowns as b
),
municipal as (
    select
        c.municipality_code, c.year, c.breakdown, c.breakdown_value,
        coalesce(cov.delivered, false) as delivered,
        coalesce(sum(p.agreements), 0) as agreements,
        coalesce(sum(p.amount), 0) as amount,
        count(p.org_nr) as counterparts,
        max(abs(p.amount)) / nullif(sum(abs(p.amount)), 0) as top_share
    from cells as c
    left join core.register_coverage as cov
      on cov.municipality_code = c.municipality_code and cov.dataset = 'agreements'
    left join per_counterpart as p
      on p.municipality_code = c.municipality_code and p.year = c.year
     and p.breakdown = c.breakdown and p.breakdown_value = c.breakdown_value
    group by all
),
county_top as (
    select p.year, p.breakdown, p.breakdown_value,
           max(abs(p.amount)) / nullif(sum(abs(p.amount)), 0) as top_share
    from per_counterpart as p
    join core.register_coverage as cov
      on cov.municipality_code = p.municipality_code and cov.dataset = 'agreements' and cov.delivered
    group by all
),
county as (
    select
        (select code from meta.municipalities where is_region) as municipality_code,
        m.year, m.breakdown, m.breakdown_value,
        bool_or(m.delivered) as delivered,
        sum(m.agreements) filter (where m.delivered) as agreements,
        sum(m.amount) filter (where m.delivered) as amount,
        sum(m.counterparts) filter (where m.delivered) as counterparts,
        any_value(t.top_share) as top_share
    from municipal as m
    left join county_top as t
      on t.year = m.year and t.breakdown = m.breakdown and t.breakdown_value = m.breakdown_value
    group by m.year, m.breakdown, m.breakdown_value
),
both_levels as (
    select * from municipal
    union all by name
    select * from county
),
final as (
    select
        'SE08' as indicator_id, municipality_code, cast(year as varchar) as period, 'T' as sex,
        breakdown, breakdown_value,
        case when delivered then cast(agreements as double) end as value,
        'count' as unit,
        case when delivered then 'A' else 'L' end as obs_status,
        'agreements' as source,
        'count_enterprises' as measure,
        case when delivered then cast(agreements as double) end as numerator,
        cast(null as double) as denominator,
        cast(case when delivered then counterparts end as bigint) as n_units,
        cast(null as double) as top_share
    from both_levels
    union all
    select
        'SE08', municipality_code, cast(year as varchar), 'T',
        breakdown, breakdown_value,
        case when delivered then cast(amount as double) end,
        'SEK',
        case when delivered then 'A' else 'L' end,
        'agreements',
        'money',
        case when delivered then cast(amount as double) end,
        cast(null as double),
        cast(case when delivered then counterparts end as bigint),
        case when delivered then cast(top_share as double) end
    from both_levels
)
select * from final;
comment on view indicators.se08_partnership_agreements is 'SE08 IOP and grant agreements in force in the year and their committed annual value per municipality and year; county rows summed.';
comment on column indicators.se08_partnership_agreements.indicator_id is 'Indicator id (SE08).';
comment on column indicators.se08_partnership_agreements.municipality_code is 'Kommunkod, or the region''s code for county rows.';
comment on column indicators.se08_partnership_agreements.period is 'Calendar year the agreements were in force.';
comment on column indicators.se08_partnership_agreements.sex is 'T: not person-based.';
comment on column indicators.se08_partnership_agreements.breakdown is 'total, or agreement_type.';
comment on column indicators.se08_partnership_agreements.breakdown_value is '_T; iop or grant_agreement.';
comment on column indicators.se08_partnership_agreements.value is 'Number of agreements in force, or their annual value in SEK.';
comment on column indicators.se08_partnership_agreements.unit is 'count or SEK.';
comment on column indicators.se08_partnership_agreements.obs_status is 'A normal; L agreements not delivered.';
comment on column indicators.se08_partnership_agreements.source is 'Where the figure comes from.';
comment on column indicators.se08_partnership_agreements.measure is 'count_enterprises (non-person count) or money (enterprise aggregate, dominance rule).';
comment on column indicators.se08_partnership_agreements.numerator is 'The count or the SEK sum.';
comment on column indicators.se08_partnership_agreements.denominator is 'NULL (not a rate).';
comment on column indicators.se08_partnership_agreements.n_units is 'Counterparts (organisations) with agreements in the cell.';
comment on column indicators.se08_partnership_agreements.top_share is 'Largest counterpart''s share of the committed value (SEK rows).';
