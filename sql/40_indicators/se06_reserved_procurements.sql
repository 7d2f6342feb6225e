-- indicators.se06_reserved_procurements (SE06): procurements published in the year that were
-- reserved under LOU 4 kap. 18 § (sheltered workshops, work integration) or 19 kap. 6 a §
-- (idéburna organisations, from 2023): their number, their estimated value (SEK) and their share
-- (%) of all procurements published in the year; in total and by legal basis. Procurement notices
-- are public and the estimate is the municipality's own, so the SEK rows carry no enterprise
-- helpers and are not suppressed. County rows sum the municipalities. No procurement delivery = L;
-- a share of a year with no procurements = M.
-- Grain: municipality_code, period, breakdown, breakdown_value, unit.
-- Sources: core.procurements.
-- Action plan AP2c, AP2d; Agenda 2030 target 12.7 (proxy); motion question Q1.
create or replace view indicators.se06_reserved_procurements as
with municipalities as (
    select code as municipality_code from meta.municipalities where not is_region
),
breakdowns as (
    select * from (values ('total', '_T'), ('legal_basis', '4_18'), ('legal_basis', '19_6a'))
        as b(breakdown, breakdown_value)
),
cells as (
    select m.municipality_code, y.year, b.breakdown, b.breakdown_value
    from municipalities as m
    cross join core.calendar_years as y
    cross join breakdowns as b
),
all_procurements as (
    select municipality_code, year, count(*) as procurements
    from core.procurements
    group by all
),
counted as (
    select
        c.municipality_code, c.year, c.breakdown, c.breakdown_value,
        count(p.procurement_id) as reserved,
        coalesce(sum(p.estimated_value_sek), 0) as estimated_value,
        coalesce(any_value(a.procurements), 0) as procurements
    from cells as c
    left join core.procurements as p
      on p.municipality_code = c.municipality_code and p.year = c.year and p.is_reserved
     and (c.breakdown = 'total' or p.legal_basis = c.breakdown_value)
    left join all_procurements as a on a.municipality_code = c.municipality_code and a.year = c.year
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
        sum(reserved) filter (where delivered) as reserved,
        sum(estimated_value) filter (where delivered) as estimated_value,
        sum(procurements) filter (where delivered) as procurements,
        bool_or(delivered) as delivered
    from with_coverage
    group by all
),
both_levels as (
    select * from with_coverage
    union all by name
    select * from county
),
final as (
    select
        'SE06' as indicator_id, municipality_code, cast(year as varchar) as period, 'T' as sex,
        breakdown, breakdown_value,
        case when delivered then cast(reserved as double) end as value,
        'count' as unit,
        case when delivered then 'A' else 'L' end as obs_status,
        'procurements' as source,
        'count_enterprises' as measure,
        case when delivered then cast(reserved as double) end as numerator,
        cast(null as double) as denominator,
        cast(null as bigint) as n_units,
        cast(null as double) as top_share
    from both_levels
    union all
    select
        'SE06', municipality_code, cast(year as varchar), 'T',
        breakdown, breakdown_value,
        case when delivered then cast(estimated_value as double) end,
        'SEK',
        case when delivered then 'A' else 'L' end,
        'procurements',
        'money',
        case when delivered then cast(estimated_value as double) end,
        cast(null as double),
        cast(null as bigint),
        cast(null as double)
    from both_levels
    union all
    select
        'SE06', municipality_code, cast(year as varchar), 'T',
        breakdown, breakdown_value,
        case when delivered and procurements > 0 then 100.0 * reserved / procurements end,
        '%',
        case when not delivered then 'L' when procurements = 0 then 'M' else 'A' end,
        'procurements',
        'rate',
        case when delivered then cast(reserved as double) end,
        case when delivered then cast(procurements as double) end,
        cast(null as bigint),
        cast(null as double)
    from both_levels
)
select * from final;
comment on view indicators.se06_reserved_procurements is 'SE06 Reserved procurements (LOU 4:18, 19:6a): number, estimated value and share of all procurements per municipality and year; county rows summed.';
comment on column indicators.se06_reserved_procurements.indicator_id is 'Indicator id (SE06).';
comment on column indicators.se06_reserved_procurements.municipality_code is 'Kommunkod, or the region''s code for county rows.';
comment on column indicators.se06_reserved_procurements.period is 'Calendar year of publication.';
comment on column indicators.se06_reserved_procurements.sex is 'T: not person-based.';
comment on column indicators.se06_reserved_procurements.breakdown is 'total (either basis), or legal_basis.';
comment on column indicators.se06_reserved_procurements.breakdown_value is '_T; 4_18 (LOU 4 kap. 18 §) or 19_6a (LOU 19 kap. 6 a §).';
comment on column indicators.se06_reserved_procurements.value is 'Number of reserved procurements, their estimated value, or their share of all procurements.';
comment on column indicators.se06_reserved_procurements.unit is 'count, SEK or %.';
comment on column indicators.se06_reserved_procurements.obs_status is 'A normal; L procurements not delivered; M share with no procurements in the year.';
comment on column indicators.se06_reserved_procurements.source is 'Where the figure comes from.';
comment on column indicators.se06_reserved_procurements.measure is 'count_enterprises (non-person count), money (public estimate, no enterprise helpers) or rate.';
comment on column indicators.se06_reserved_procurements.numerator is 'Reserved procurements (count, share) or their estimated value (SEK).';
comment on column indicators.se06_reserved_procurements.denominator is 'All procurements published in the year (share rows only).';
comment on column indicators.se06_reserved_procurements.n_units is 'NULL: procurement estimates are not enterprise aggregates.';
comment on column indicators.se06_reserved_procurements.top_share is 'NULL: procurement estimates are not enterprise aggregates.';
