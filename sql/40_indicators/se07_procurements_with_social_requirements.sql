-- indicators.se07_procurements_with_social_requirements (SE07): the share (%) of procurements
-- published in the year with an employment requirement or social criteria (breakdown total = either),
-- and with each type separately. County rows divide summed counts. No procurement delivery = L; a
-- year without procurements = NULL with M (a share of nothing cannot exist), never an error.
-- Grain: municipality_code, period, breakdown, breakdown_value.
-- Sources: core.procurements.
-- Action plan AP2c; Agenda 2030 targets 12.7 (proxy) and 8.5 (proxy); motion question Q1.
create or replace view indicators.se07_procurements_with_social_requirements as
with municipalities as (
    select code as municipality_code from meta.municipalities where not is_region
),
breakdowns as (
    select * from (values ('total', '_T'), ('requirement', 'employment_requirement'),
                          ('requirement', 'social_criteria')) as b(breakdown, breakdown_value)
),
cells as (
    select m.municipality_code, y.year, b.breakdown, b.breakdown_value
    from municipalities as m
    cross join core.calendar_years as y
    cross join breakdowns as b
),
counted as (
    select
        c.municipality_code, c.year, c.breakdown, c.breakdown_value,
        count(p.procurement_id) as procurements,
        count(p.procurement_id) filter (where
            (c.breakdown = 'total' and (p.employment_requirement or p.social_criteria))
            or (c.breakdown_value = 'employment_requirement' and p.employment_requirement)
            or (c.breakdown_value = 'social_criteria' and p.social_criteria)) as with_requirement
    from cells as c
    left join core.procurements as p on p.municipality_code = c.municipality_code and p.year = c.year
    group by all
),
with_coverage as (
    select counted.*, coalesce(cov.delivered, false) as delivered
    from counted
    left join core.register_coverage as cov
      on cov.municipality_code = counted.municipality_code and cov.dataset = 'procurements'
),
county as (
    select
        (select code from meta.municipalities where is_region) as municipality_code,
        year, breakdown, breakdown_value,
        sum(procurements) filter (where delivered) as procurements,
        sum(with_requirement) filter (where delivered) as with_requirement,
        bool_or(delivered) as delivered
    from with_coverage
    group by all
),
final as (
    select
        'SE07' as indicator_id,
        municipality_code,
        cast(year as varchar) as period,
        'T' as sex,
        breakdown,
        breakdown_value,
        case when delivered and procurements > 0 then 100.0 * with_requirement / procurements end as value,
        '%' as unit,
        case when not delivered then 'L' when procurements = 0 then 'M' else 'A' end as obs_status,
        'procurements' as source,
        'rate' as measure,
        case when delivered then cast(with_requirement as double) end as numerator,
        case when delivered then cast(procurements as double) end as denominator,
        cast(null as bigint) as n_units,
        cast(null as double) as top_share
    from (select * from with_coverage union all by name select * from county)
)
select * from final;
comment on view indicators.se07_procurements_with_social_requirements is 'SE07 Share of procurements with employment requirements or social criteria per municipality and year; county rows from summed counts.';
comment on column indicators.se07_procurements_with_social_requirements.indicator_id is 'Indicator id (SE07).';
comment on column indicators.se07_procurements_with_social_requirements.municipality_code is 'Kommunkod, or the region''s code for county rows.';
comment on column indicators.se07_procurements_with_social_requirements.period is 'Calendar year of publication.';
comment on column indicators.se07_procurements_with_social_requirements.sex is 'T: not person-based.';
comment on column indicators.se07_procurements_with_social_requirements.breakdown is 'total (either requirement), or requirement.';
comment on column indicators.se07_procurements_with_social_requirements.breakdown_value is '_T; employment_requirement or social_criteria.';
comment on column indicators.se07_procurements_with_social_requirements.value is 'Percentage of the year''s procurements with the requirement; NULL when there were none or no delivery.';
comment on column indicators.se07_procurements_with_social_requirements.unit is '%.';
comment on column indicators.se07_procurements_with_social_requirements.obs_status is 'A normal; L procurements not delivered; M no procurements in the year.';
comment on column indicators.se07_procurements_with_social_requirements.source is 'Where the figure comes from.';
comment on column indicators.se07_procurements_with_social_requirements.measure is 'rate (not person data).';
comment on column indicators.se07_procurements_with_social_requirements.numerator is 'Procurements with the requirement.';
comment on column indicators.se07_procurements_with_social_requirements.denominator is 'All procurements published in the year.';
comment on column indicators.se07_procurements_with_social_requirements.n_units is 'NULL (not an enterprise aggregate).';
comment on column indicators.se07_procurements_with_social_requirements.top_share is 'NULL (money aggregates only).';
