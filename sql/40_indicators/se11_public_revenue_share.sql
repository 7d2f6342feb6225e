-- indicators.se11_public_revenue_share (SE11): how dependent the social enterprises are on public
-- money: the sum of their revenue from the public sector divided by the sum of their turnover
-- (breakdown total), and the same for revenue from the municipality itself (breakdown
-- revenue_source = municipality), over the enterprises whose annual report gives both figures
-- (turnover > 0). Municipality and county aggregates only, never per enterprise. The dominance rule
-- applies: n_units = reporting enterprises, top_share = the largest enterprise's share of the
-- turnover or of the revenue, whichever is larger. County rows divide summed sums.
-- No annual reports for the municipality and year = L; reports without usable figures = M.
-- Grain: municipality_code, period, breakdown, breakdown_value.
-- Sources: core.annual_reports (reported with consent).
-- Action plan AP2a, AP2b; Agenda 2030 target 8.3 (proxy); motion questions Q1 and Q2.
create or replace view indicators.se11_public_revenue_share as
with municipalities as (
    select code as municipality_code from meta.municipalities where not is_region
),
breakdowns as (
    select * from (values ('total', '_T'), ('revenue_source', 'municipality')) as b(breakdown, breakdown_value)
),
reported_years as (
    select distinct municipality_code, year from core.annual_reports
),
usable as (
    select
        r.municipality_code, r.year, b.breakdown, b.breakdown_value, r.org_nr,
        r.turnover_sek as turnover,
        case when b.breakdown = 'total' then r.revenue_public_sek else r.revenue_from_municipality_sek end as revenue
    from core.annual_reports as r
    cross join breakdowns as b
    where r.turnover_sek > 0
      and (case when b.breakdown = 'total' then r.revenue_public_sek else r.revenue_from_municipality_sek end) is not null
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
        bool_or(ry.year is not null) as delivered,
        coalesce(sum(u.revenue), 0) as revenue,
        coalesce(sum(u.turnover), 0) as turnover,
        count(u.org_nr) as enterprises,
        greatest(max(u.turnover) / nullif(sum(u.turnover), 0),
                 max(u.revenue) / nullif(sum(u.revenue), 0)) as top_share
    from cells as c
    left join reported_years as ry on ry.municipality_code = c.municipality_code and ry.year = c.year
    left join usable as u
      on u.municipality_code = c.municipality_code and u.year = c.year
     and u.breakdown = c.breakdown and u.breakdown_value = c.breakdown_value
    group by c.municipality_code, c.year, c.breakdown, c.breakdown_value
),
county_top as (
    select year, breakdown, breakdown_value,
           greatest(max(turnover) / nullif(sum(turnover), 0), max(revenue) / nullif(sum(revenue), 0)) as top_share
    from usable
    group by all
),
county as (
    select
        (select code from meta.municipalities where is_region) as municipality_code,
        m.year, m.breakdown, m.breakdown_value,
        bool_or(m.delivered) as delivered,
        sum(m.revenue) filter (where m.delivered) as revenue,
        sum(m.turnover) filter (where m.delivered) as turnover,
        sum(m.enterprises) filter (where m.delivered) as enterprises,
        any_value(t.top_share) as top_share
    from municipal as m
    left join county_top as t
      on t.year = m.year and t.breakdown = m.breakdown and t.breakdown_value = m.breakdown_value
    group by m.year, m.breakdown, m.breakdown_value
),
final as (
    select
        'SE11' as indicator_id,
        municipality_code,
        cast(year as varchar) as period,
        'T' as sex,
        breakdown,
        breakdown_value,
        case when delivered and turnover > 0 then cast(100.0 * revenue / turnover as double) end as value,
        '%' as unit,
        case when not delivered then 'L' when turnover = 0 then 'M' else 'A' end as obs_status,
        'annual reports' as source,
        'money' as measure,
        case when delivered then cast(revenue as double) end as numerator,
        case when delivered then cast(turnover as double) end as denominator,
        cast(case when delivered then enterprises end as bigint) as n_units,
        case when delivered then cast(top_share as double) end as top_share
    from (select * from municipal union all by name select * from county)
)
select * from final;
comment on view indicators.se11_public_revenue_share is 'SE11 Revenue from the public sector (and from the municipality) as a share of turnover of the reporting social enterprises, per municipality and year; county from summed sums.';
comment on column indicators.se11_public_revenue_share.indicator_id is 'Indicator id (SE11).';
comment on column indicators.se11_public_revenue_share.municipality_code is 'Kommunkod, or the region''s code for county rows.';
comment on column indicators.se11_public_revenue_share.period is 'Reporting year.';
comment on column indicators.se11_public_revenue_share.sex is 'T: not person-based.';
comment on column indicators.se11_public_revenue_share.breakdown is 'total (public sector), or revenue_source.';
comment on column indicators.se11_public_revenue_share.breakdown_value is '_T for revenue from the whole public sector; municipality for revenue from the municipality itself.';
comment on column indicators.se11_public_revenue_share.value is 'Revenue as a percentage of turnover over the reporting enterprises.';
comment on column indicators.se11_public_revenue_share.unit is '%.';
comment on column indicators.se11_public_revenue_share.obs_status is 'A normal; L no annual reports for the year; M no report with turnover and the revenue figure.';
comment on column indicators.se11_public_revenue_share.source is 'Where the figure comes from.';
comment on column indicators.se11_public_revenue_share.measure is 'money: enterprise aggregate, minimum-enterprises and dominance rules apply.';
comment on column indicators.se11_public_revenue_share.numerator is 'Summed revenue (public sector or municipality), SEK.';
comment on column indicators.se11_public_revenue_share.denominator is 'Summed turnover of the same enterprises, SEK.';
comment on column indicators.se11_public_revenue_share.n_units is 'Reporting enterprises contributing.';
comment on column indicators.se11_public_revenue_share.top_share is 'Largest enterprise''s share of the turnover or of the revenue, whichever is larger.';
