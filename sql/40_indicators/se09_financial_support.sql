-- indicators.se09_financial_support (SE09): grants decided in the year to organisations in the
-- municipality's register of social enterprises: the sum (SEK) and the number of distinct
-- recipients; in total and by grant type. The SEK rows are enterprise aggregates (n_units =
-- recipients, top_share = the largest recipient's share) for the disclosure rules. County rows sum
-- the municipalities. No grants or no register delivery = L.
-- Grain: municipality_code, period, breakdown, breakdown_value, unit.
-- Sources: core.grants (matched to core.enterprises).
-- Action plan AP2b; Agenda 2030 target 8.3 (proxy: access to financial services); motion question Q1.
create or replace view indicators.se09_financial_support as
with municipalities as (
    select code as municipality_code from meta.municipalities where not is_region
),
coverage as (
    select
        m.municipality_code,
        coalesce(g.delivered, false) and coalesce(r.delivered, false) as delivered
    from municipalities as m
    left join core.register_coverage as g on g.municipality_code = m.municipality_code and g.dataset = 'grants'
    left join core.register_coverage as r on r.municipality_code = m.municipality_code and r.dataset = 'enterprises'
),
breakdowns as (
    select * from (values ('total', '_T'), ('grant_type', 'association_grant'), ('grant_type', 'start_grant'),
                          ('grant_type', 'project_grant'), ('grant_type', 'operating_grant'),
                          ('grant_type', 'other')) as b(breakdown, breakdown_value)
),
per_recipient as (
    select g.municipality_code, g.year, b.breakdown, b.breakdown_value, g.org_nr, sum(g.amount_sek) as amount
    from core.grants as g
    join breakdowns as b on b.breakdown = 'total' or b.breakdown_value = g.grant_type
    where g.is_social_enterprise
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
        cov.delivered,
        coalesce(sum(p.amount), 0) as amount,
        count(p.org_nr) as recipients,
        max(abs(p.amount)) / nullif(sum(abs(p.amount)), 0) as top_share
    from cells as c
    join coverage as cov on cov.municipality_code = c.municipality_code
    left join per_recipient as p
      on p.municipality_code = c.municipality_code and p.year = c.year
     and p.breakdown = c.breakdown and p.breakdown_value = c.breakdown_value
    group by all
),
county_top as (
    select p.year, p.breakdown, p.breakdown_value,
           max(abs(p.amount)) / nullif(sum(abs(p.amount)), 0) as top_share
    from per_recipient as p
    join coverage as cov on cov.municipality_code = p.municipality_code and cov.delivered
    group by all
),
county as (
    select
        (select code from meta.municipalities where is_region) as municipality_code,
        m.year, m.breakdown, m.breakdown_value,
        bool_or(m.delivered) as delivered,
        sum(m.amount) filter (where m.delivered) as amount,
        sum(m.recipients) filter (where m.delivered) as recipients,
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
        'SE09' as indicator_id, municipality_code, cast(year as varchar) as period, 'T' as sex,
        breakdown, breakdown_value,
        case when delivered then cast(amount as double) end as value,
        'SEK' as unit,
        case when delivered then 'A' else 'L' end as obs_status,
        'grants; municipal register' as source,
        'money' as measure,
        case when delivered then cast(amount as double) end as numerator,
        cast(null as double) as denominator,
        cast(case when delivered then recipients end as bigint) as n_units,
        case when delivered then cast(top_share as double) end as top_share
    from both_levels
    union all
    select
        'SE09', municipality_code, cast(year as varchar), 'T',
        breakdown, breakdown_value,
        case when delivered then cast(recipients as double) end,
        'count',
        case when delivered then 'A' else 'L' end,
        'grants; municipal register',
        'count_enterprises',
        case when delivered then cast(recipients as double) end,
        cast(null as double),
        cast(case when delivered then recipients end as bigint),
        cast(null as double)
    from both_levels
)
select * from final;
comment on view indicators.se09_financial_support is 'SE09 Grants (SEK) to registered social enterprises and the number of recipients per municipality, year and grant type; county rows summed.';
comment on column indicators.se09_financial_support.indicator_id is 'Indicator id (SE09).';
comment on column indicators.se09_financial_support.municipality_code is 'Kommunkod, or the region''s code for county rows.';
comment on column indicators.se09_financial_support.period is 'Calendar year of the grant decision.';
comment on column indicators.se09_financial_support.sex is 'T: not person-based.';
comment on column indicators.se09_financial_support.breakdown is 'total, or grant_type.';
comment on column indicators.se09_financial_support.breakdown_value is '_T; association_grant, start_grant, project_grant, operating_grant or other.';
comment on column indicators.se09_financial_support.value is 'SEK granted to social enterprises, or the number of distinct recipients.';
comment on column indicators.se09_financial_support.unit is 'SEK or count.';
comment on column indicators.se09_financial_support.obs_status is 'A normal; L grants or register not delivered.';
comment on column indicators.se09_financial_support.source is 'Where the figure comes from.';
comment on column indicators.se09_financial_support.measure is 'money (enterprise aggregate, disclosure rules) or count_enterprises.';
comment on column indicators.se09_financial_support.numerator is 'The SEK sum or the count.';
comment on column indicators.se09_financial_support.denominator is 'NULL (not a rate).';
comment on column indicators.se09_financial_support.n_units is 'Recipients contributing to the cell.';
comment on column indicators.se09_financial_support.top_share is 'Largest recipient''s share of the SEK sum.';
