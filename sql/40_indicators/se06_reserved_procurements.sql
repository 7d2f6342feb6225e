-- indicators.se06_reserved_procurements (SE06): procurements published in the year that were
-- reserved under LOU 4 kap. 18 § (sheltered workshops, work integration) or 19 kap. 6 a §
-- (idéburna organisations, from 2023): their number, their estimated value (SEK) and their share
-- (%) of all procurements published in the year; in total and by legal basis. Procurement notices
-- are public and the estimate is the municipality's own, so the SEK cells have no enterprise
-- contributors and are not suppressed. Municipal cells only; all_values applies coverage (a year
-- without a procurement delivery is L) and sums the county rows.
-- Grain: municipality_code, period, breakdown, breakdown_value, unit.
-- Sources: core.procurements.
-- Action plan AP2c, AP2d; Agenda 2030 target 12.7 (proxy); motion question Q1.
-- column comments from indicators.municipal_cells
create or replace view indicators.se06_reserved_procurements as
with published as (
    select municipality_code, year, count(*) as procurements from core.procurements group by all
),
counted as (
    select g.municipality_code, g.year, b.breakdown, b.breakdown_value,
           count(p.procurement_id) as reserved,
           coalesce(sum(p.estimated_value_sek), 0) as estimated_value
    from core.municipality_years as g
    cross join (values ('total', '_T'), ('legal_basis', '4_18'), ('legal_basis', '19_6a')) as b(breakdown, breakdown_value)
    left join core.procurements as p
      on p.municipality_code = g.municipality_code and p.year = g.year and p.is_reserved
     and (b.breakdown = 'total' or p.legal_basis = b.breakdown_value)
    group by all
),
final as (
    select
        'SE06' as indicator_id, c.municipality_code, c.year, cast(c.year as varchar) as period, 'T' as sex,
        c.breakdown, c.breakdown_value, u.unit, u.measure,
        cast(case when u.unit = 'SEK' then c.estimated_value else c.reserved end as double) as numerator,
        case when u.unit = '%' then cast(coalesce(p.procurements, 0) as double) end as denominator,
        cast(null as double) as persons,
        case when u.unit = '%' then 100.0 end as scale,
        'sum' as numerator_rollup, case when u.unit = '%' then 'sum' end as denominator_rollup,
        cast(null as struct(org_nr varchar, numerator double, denominator double, persons double)[]) as contributors,
        false as provisional, 'procurements' as source
    from counted as c
    cross join (values ('count', 'count_enterprises'), ('SEK', 'money'), ('%', 'rate')) as u(unit, measure)
    left join published as p on p.municipality_code = c.municipality_code and p.year = c.year
)
select * from final;
comment on view indicators.se06_reserved_procurements is 'SE06 Reserved procurements (LOU 4:18, 19:6a): number, estimated value and share of all procurements per municipality and year (municipal cells; all_values adds coverage and county rows).';
