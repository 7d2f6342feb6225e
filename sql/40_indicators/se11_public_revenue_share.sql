-- indicators.se11_public_revenue_share (SE11): how dependent the social enterprises are on public
-- money: their revenue from the public sector as a share of their turnover (breakdown total), and the
-- same for revenue from the municipality itself (breakdown revenue_source = municipality), over the
-- enterprises whose annual report gives both figures (turnover > 0). Aggregates only, never one
-- enterprise. Each enterprise's revenue and turnover are its contribution (the dominance rule sees
-- the largest share of either). Reports without usable figures are a share of nothing (M).
-- Municipal cells only; all_values applies coverage and makes the county rows (an enterprise whose
-- report two municipalities delivered counts once).
-- Grain: municipality_code, period, breakdown, breakdown_value.
-- Sources: core.annual_reports (reported with consent).
-- Action plan AP2a, AP2b; Agenda 2030 target 8.3 (proxy); motion questions Q1 and Q2.
-- column comments from indicators.municipal_cells
create or replace view indicators.se11_public_revenue_share as
with usable as (
    select r.municipality_code, r.year, b.breakdown, b.breakdown_value, r.org_nr, r.turnover_sek as turnover,
           case when b.breakdown = 'total' then r.revenue_public_sek else r.revenue_from_municipality_sek end as revenue
    from core.annual_reports as r
    cross join (values ('total', '_T'), ('revenue_source', 'municipality')) as b(breakdown, breakdown_value)
    where r.turnover_sek > 0
),
counted as (
    select g.municipality_code, g.year, b.breakdown, b.breakdown_value,
           coalesce(sum(u.revenue), 0) as revenue, coalesce(sum(u.turnover), 0) as turnover,
           list(core.contribution(u.org_nr, u.revenue, u.turnover, null)) filter (where u.org_nr is not null)
               as contributors
    from core.municipality_years as g
    cross join (values ('total', '_T'), ('revenue_source', 'municipality')) as b(breakdown, breakdown_value)
    left join usable as u
      on u.municipality_code = g.municipality_code and u.year = g.year and u.breakdown = b.breakdown
     and u.revenue is not null
    group by all
),
final as (
    select
        'SE11' as indicator_id, municipality_code, year, cast(year as varchar) as period, 'T' as sex,
        breakdown, breakdown_value, '%' as unit, 'money' as measure,
        cast(revenue as double) as numerator, cast(turnover as double) as denominator,
        cast(null as double) as persons, 100.0 as scale, 'org_once' as numerator_rollup,
        'org_once' as denominator_rollup, coalesce(contributors, []) as contributors, false as provisional,
        'annual reports' as source
    from counted
)
select * from final;
comment on view indicators.se11_public_revenue_share is 'SE11 Revenue from the public sector (and from the municipality) as a share of turnover of the reporting social enterprises (municipal cells; all_values adds coverage and county rows).';
