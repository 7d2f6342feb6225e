-- indicators.se07_procurements_with_social_requirements (SE07): the share (%) of procurements
-- published in the year with an employment requirement or social criteria (breakdown total = either),
-- and with each type separately. A year without procurements is a share of nothing (M). Municipal
-- cells only; all_values applies coverage and divides the county's summed counts.
-- Grain: municipality_code, period, breakdown, breakdown_value.
-- Sources: core.procurements.
-- Action plan AP2c; Agenda 2030 targets 12.7 (proxy) and 8.5 (proxy); motion question Q1.
-- column comments from indicators.municipal_cells
create or replace view indicators.se07_procurements_with_social_requirements as
with counted as (
    select g.municipality_code, g.year, b.breakdown, b.breakdown_value,
           count(p.procurement_id) as procurements,
           count(p.procurement_id) filter (where
               (b.breakdown = 'total' and (p.employment_requirement or p.social_criteria))
               or (b.breakdown_value = 'employment_requirement' and p.employment_requirement)
               or (b.breakdown_value = 'social_criteria' and p.social_criteria)) as with_requirement
    from core.municipality_years as g
    cross join (values ('total', '_T'), ('requirement', 'employment_requirement'),
                       ('requirement', 'social_criteria')) as b(breakdown, breakdown_value)
    left join core.procurements as p on p.municipality_code = g.municipality_code and p.year = g.year
    group by all
),
final as (
    select
        'SE07' as indicator_id, municipality_code, year, cast(year as varchar) as period, 'T' as sex,
        breakdown, breakdown_value, '%' as unit, 'rate' as measure,
        cast(with_requirement as double) as numerator, cast(procurements as double) as denominator,
        cast(null as double) as persons, 100.0 as scale, 'sum' as numerator_rollup, 'sum' as denominator_rollup,
        cast(null as struct(org_nr varchar, numerator double, denominator double, persons double)[]) as contributors,
        false as provisional, 'procurements' as source
    from counted
)
select * from final;
comment on view indicators.se07_procurements_with_social_requirements is 'SE07 Share of procurements with employment requirements or social criteria per municipality and year (municipal cells; all_values adds coverage and county rows).';
