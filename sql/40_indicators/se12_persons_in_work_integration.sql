-- indicators.se12_persons_in_work_integration (SE12): persons occupied in work integration (any
-- form: training, placement, employment) in the social enterprises during the year, from the
-- enterprises' annual reports, by sex (K, M and T = K + M); and their full-time equivalents (sex T).
-- Person counts are count_persons; the FTE rows carry the persons behind them as numerator, so the
-- same 1-4 rule protects them. County rows sum the municipalities.
-- No annual reports for the municipality and year = L (a year nobody reported is not a zero).
-- Grain: municipality_code, period, sex, unit.
-- Sources: core.annual_reports (reported with consent).
-- Action plan AP2a; Agenda 2030 targets 8.5 and 10.2 (proxies); motion question Q2.
create or replace view indicators.se12_persons_in_work_integration as
with municipalities as (
    select code as municipality_code from meta.municipalities where not is_region
),
reported_years as (
    select distinct municipality_code, year from core.annual_reports
),
reports as (
    select
        municipality_code, year, org_nr,
        coalesce(participants_k, 0) as persons_k,
        coalesce(participants_m, 0) as persons_m,
        fte
    from core.annual_reports
    where participants_k is not null or participants_m is not null
),
municipal as (
    select
        m.municipality_code, y.year,
        bool_or(ry.year is not null) as delivered,
        coalesce(sum(r.persons_k), 0) as persons_k,
        coalesce(sum(r.persons_m), 0) as persons_m,
        coalesce(sum(r.fte), 0) as fte,
        coalesce(sum(r.persons_k + r.persons_m) filter (where r.fte is not null), 0) as fte_persons,
        count(r.org_nr) as enterprises
    from municipalities as m
    cross join core.calendar_years as y
    left join reported_years as ry on ry.municipality_code = m.municipality_code and ry.year = y.year
    left join reports as r on r.municipality_code = m.municipality_code and r.year = y.year
    group by m.municipality_code, y.year
),
county as (
    select
        (select code from meta.municipalities where is_region) as municipality_code,
        year,
        bool_or(delivered) as delivered,
        sum(persons_k) filter (where delivered) as persons_k,
        sum(persons_m) filter (where delivered) as persons_m,
        sum(fte) filter (where delivered) as fte,
        sum(fte_persons) filter (where delivered) as fte_persons,
        sum(enterprises) filter (where delivered) as enterprises
    from municipal
    group by year
),
both_levels as (
    select * from municipal
    union all by name
    select * from county
),
by_sex as (
    select municipality_code, year, delivered, enterprises, s.sex,
           case s.sex when 'K' then persons_k when 'M' then persons_m else persons_k + persons_m end as persons
    from both_levels
    cross join (values ('T'), ('K'), ('M')) as s(sex)
),
final as (
    select
        'SE12' as indicator_id, municipality_code, cast(year as varchar) as period, sex,
        'total' as breakdown, '_T' as breakdown_value,
        case when delivered then cast(persons as double) end as value,
        'persons' as unit,
        case when delivered then 'A' else 'L' end as obs_status,
        'annual reports' as source,
        'count_persons' as measure,
        case when delivered then cast(persons as double) end as numerator,
        cast(null as double) as denominator,
        cast(case when delivered then enterprises end as bigint) as n_units,
        cast(null as double) as top_share
    from by_sex
    union all
    select
        'SE12', municipality_code, cast(year as varchar), 'T',
        'total', '_T',
        case when delivered then cast(fte as double) end,
        'FTE',
        case when delivered then 'A' else 'L' end,
        'annual reports',
        'count_persons',
        case when delivered then cast(fte_persons as double) end,
        cast(null as double),
        cast(case when delivered then enterprises end as bigint),
        cast(null as double)
    from both_levels
)
select * from final;
comment on view indicators.se12_persons_in_work_integration is 'SE12 Persons in work integration in social enterprises (by sex) and their FTE, per municipality and year, from annual reports; county rows summed.';
comment on column indicators.se12_persons_in_work_integration.indicator_id is 'Indicator id (SE12).';
comment on column indicators.se12_persons_in_work_integration.municipality_code is 'Kommunkod, or the region''s code for county rows.';
comment on column indicators.se12_persons_in_work_integration.period is 'Reporting year.';
comment on column indicators.se12_persons_in_work_integration.sex is 'T total (K + M), K women, M men; FTE rows are T.';
comment on column indicators.se12_persons_in_work_integration.breakdown is 'total.';
comment on column indicators.se12_persons_in_work_integration.breakdown_value is '_T.';
comment on column indicators.se12_persons_in_work_integration.value is 'Persons in work integration during the year, or their full-time equivalents.';
comment on column indicators.se12_persons_in_work_integration.unit is 'persons or FTE.';
comment on column indicators.se12_persons_in_work_integration.obs_status is 'A normal; L no annual reports for the municipality and year.';
comment on column indicators.se12_persons_in_work_integration.source is 'Where the figure comes from.';
comment on column indicators.se12_persons_in_work_integration.measure is 'count_persons: counts 1-4 are suppressed.';
comment on column indicators.se12_persons_in_work_integration.numerator is 'Persons behind the value (for FTE rows, the persons of the reports that give FTE).';
comment on column indicators.se12_persons_in_work_integration.denominator is 'NULL (not a rate).';
comment on column indicators.se12_persons_in_work_integration.n_units is 'Reporting enterprises.';
comment on column indicators.se12_persons_in_work_integration.top_share is 'NULL (money aggregates only).';
