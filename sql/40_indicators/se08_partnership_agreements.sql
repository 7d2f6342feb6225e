-- indicators.se08_partnership_agreements (SE08): agreements of type IOP (idéburet offentligt
-- partnerskap) or grant agreement (bidragsöverenskommelse) with social enterprises or idéburna
-- organisations in force at some time in the year (start <= 31/12 and end >= 1/1 or open), and the
-- annual value (SEK) the municipality committed to them; in total and by type. Partnerships are not
-- procurement: never add these values to SE04. Each counterpart's committed value is its
-- contribution (the dominance rule sees the largest one). The report prints the agreements of the
-- enterprise it follows by name (public records); indicators.named_parts models that part as printed,
-- so the rules apply to the other counterparts' remainder. Municipal cells only; all_values applies
-- coverage and makes the county rows.
-- Grain: municipality_code, period, breakdown, breakdown_value, unit.
-- Sources: core.agreements.
-- Action plan AP2c, AP3; Agenda 2030 target 17.17 (proxy, not 17.17.1); motion questions Q1 and Q2.
-- column comments from indicators.municipal_cells
create or replace view indicators.se08_partnership_agreements as
with per_counterpart as (
    select g.municipality_code, g.year, a.agreement_type, a.org_nr,
           count(*) as agreements, coalesce(sum(a.annual_value_sek), 0) as amount
    from core.municipality_years as g
    join core.agreements as a
      on a.municipality_code = g.municipality_code
     and a.start_date <= g.year_end and (a.end_date is null or a.end_date >= make_date(g.year, 1, 1))
    where a.agreement_type in ('iop', 'grant_agreement')
    group by all
),
counted as (
    select g.municipality_code, g.year, b.breakdown, b.breakdown_value,
           coalesce(sum(p.agreements), 0) as agreements,
           coalesce(sum(p.amount), 0) as amount,
           list(core.contribution(p.org_nr, p.amount, null, null)) filter (where p.org_nr is not null) as contributors
    from core.municipality_years as g
    cross join (values ('total', '_T'), ('agreement_type', 'iop'), ('agreement_type', 'grant_agreement'))
        as b(breakdown, breakdown_value)
    left join per_counterpart as p
      on p.municipality_code = g.municipality_code and p.year = g.year
     and (b.breakdown = 'total' or p.agreement_type = b.breakdown_value)
    group by all
),
final as (
    select
        'SE08' as indicator_id, c.municipality_code, c.year, cast(c.year as varchar) as period, 'T' as sex,
        c.breakdown, c.breakdown_value, u.unit, u.measure,
        cast(case when u.unit = 'SEK' then c.amount else c.agreements end as double) as numerator,
        cast(null as double) as denominator, cast(null as double) as persons, cast(null as double) as scale,
        'sum' as numerator_rollup, cast(null as varchar) as denominator_rollup,
        coalesce(c.contributors, []) as contributors, false as provisional, 'agreements' as source
    from counted as c
    cross join (values ('count', 'count_enterprises'), ('SEK', 'money')) as u(unit, measure)
)
select * from final;
comment on view indicators.se08_partnership_agreements is 'SE08 IOP and grant agreements in force in the year and their committed annual value per municipality and year (municipal cells; all_values adds coverage and county rows).';
