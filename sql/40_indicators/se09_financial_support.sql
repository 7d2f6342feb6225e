-- indicators.se09_financial_support (SE09): grants decided in the year to organisations in the
-- municipality's register of social enterprises: the sum (SEK) and the number of distinct
-- recipients; in total and by grant type. Each recipient's sum is its contribution (the money rules
-- count recipients and see the largest one). Municipal cells only; all_values applies coverage
-- (grants and the register) and makes the county rows (a recipient of two municipalities counts once).
-- Grain: municipality_code, period, breakdown, breakdown_value, unit.
-- Sources: core.grants (matched to core.enterprises).
-- Action plan AP2b; Agenda 2030 target 8.3 (proxy: access to financial services); motion question Q1.
-- column comments from indicators.municipal_cells
create or replace view indicators.se09_financial_support as
with per_recipient as (
    select municipality_code, year, grant_type, org_nr, sum(amount_sek) as amount
    from core.grants
    where is_social_enterprise
    group by all
),
counted as (
    select g.municipality_code, g.year, b.breakdown, b.breakdown_value,
           coalesce(sum(p.amount), 0) as amount,
           list(core.contribution(p.org_nr, p.amount, null, null)) filter (where p.org_nr is not null) as contributors
    from core.municipality_years as g
    cross join (values ('total', '_T'), ('grant_type', 'association_grant'), ('grant_type', 'start_grant'),
                       ('grant_type', 'project_grant'), ('grant_type', 'operating_grant'),
                       ('grant_type', 'other')) as b(breakdown, breakdown_value)
    left join per_recipient as p
      on p.municipality_code = g.municipality_code and p.year = g.year
     and (b.breakdown = 'total' or p.grant_type = b.breakdown_value)
    group by all
),
recipients as (
    -- a recipient of several grant types in the year is one recipient of the total
    select municipality_code, year, breakdown, breakdown_value, amount,
           list_distinct(list_transform(contributors, lambda c: c.org_nr)) as orgs, contributors
    from counted
),
final as (
    select
        'SE09' as indicator_id, r.municipality_code, r.year, cast(r.year as varchar) as period, 'T' as sex,
        r.breakdown, r.breakdown_value, u.unit, u.measure,
        cast(case when u.unit = 'SEK' then r.amount else coalesce(len(r.orgs), 0) end as double) as numerator,
        cast(null as double) as denominator, cast(null as double) as persons, cast(null as double) as scale,
        case when u.unit = 'SEK' then 'sum' else 'distinct' end as numerator_rollup,
        cast(null as varchar) as denominator_rollup,
        coalesce(case when u.unit = 'SEK' then r.contributors
                      else list_transform(r.orgs, lambda o: core.contribution(o, 1, null, null)) end, []) as contributors,
        false as provisional, 'grants; municipal register' as source
    from recipients as r
    cross join (values ('SEK', 'money'), ('count', 'count_enterprises')) as u(unit, measure)
)
select * from final;
comment on view indicators.se09_financial_support is 'SE09 Grants (SEK) to registered social enterprises and the number of recipients per municipality, year and grant type (municipal cells; all_values adds coverage and county rows).';
