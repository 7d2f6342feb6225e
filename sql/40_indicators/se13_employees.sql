-- indicators.se13_employees (SE13): employees (anställda, not trainees) of the social enterprises on
-- 31 December, from their annual reports, by sex (K, M and T = K + M). The share in subsidised
-- employment is not in the annual-report contract yet, so it is not computed. County rows sum the
-- municipalities. No annual reports for the municipality and year = L.
-- Grain: municipality_code, period, sex.
-- Sources: core.annual_reports (reported with consent).
-- Action plan AP2a; Agenda 2030 target 8.5 (proxy); motion questions Q1 and Q2.
create or replace view indicators.se13_employees as
with municipalities as (
    select code as municipality_code from meta.municipalities where not is_region
),
reported_years as (
    select distinct municipality_code, year from core.annual_reports
),
reports as (
    select municipality_code, year, org_nr,
           coalesce(employees_k, 0) as employees_k, coalesce(employees_m, 0) as employees_m
    from core.annual_reports
    where employees_k is not null or employees_m is not null
),
municipal as (
    select
        m.municipality_code, y.year,
        bool_or(ry.year is not null) as delivered,
        coalesce(sum(r.employees_k), 0) as employees_k,
        coalesce(sum(r.employees_m), 0) as employees_m,
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
        sum(employees_k) filter (where delivered) as employees_k,
        sum(employees_m) filter (where delivered) as employees_m,
        sum(enterprises) filter (where delivered) as enterprises
    from municipal
    group by year
),
by_sex as (
    select municipality_code, year, delivered, enterprises, s.sex,
           case s.sex when 'K' then employees_k when 'M' then employees_m else employees_k + employees_m end
               as employees
    from (select * from municipal union all by name select * from county)
    cross join (values ('T'), ('K'), ('M')) as s(sex)
),
final as (
    select
        'SE13' as indicator_id, municipality_code, cast(year as varchar) as period, sex,
        'total' as breakdown, '_T' as breakdown_value,
        case when delivered then cast(employees as double) end as value,
        'persons' as unit,
        case when delivered then 'A' else 'L' end as obs_status,
        'annual reports' as source,
        'count_persons' as measure,
        case when delivered then cast(employees as double) end as numerator,
        cast(null as double) as denominator,
        cast(case when delivered then enterprises end as bigint) as n_units,
        cast(null as double) as top_share
    from by_sex
)
select * from final;
comment on view indicators.se13_employees is 'SE13 Employees of the social enterprises on 31 December by sex, per municipality and year, from annual reports; county rows summed.';
comment on column indicators.se13_employees.indicator_id is 'Indicator id (SE13).';
comment on column indicators.se13_employees.municipality_code is 'Kommunkod, or the region''s code for county rows.';
comment on column indicators.se13_employees.period is 'Reporting year (employees on 31 December).';
comment on column indicators.se13_employees.sex is 'T total (K + M), K women, M men.';
comment on column indicators.se13_employees.breakdown is 'total.';
comment on column indicators.se13_employees.breakdown_value is '_T.';
comment on column indicators.se13_employees.value is 'Employees on 31 December.';
comment on column indicators.se13_employees.unit is 'persons.';
comment on column indicators.se13_employees.obs_status is 'A normal; L no annual reports for the municipality and year.';
comment on column indicators.se13_employees.source is 'Where the figure comes from.';
comment on column indicators.se13_employees.measure is 'count_persons: counts 1-4 are suppressed.';
comment on column indicators.se13_employees.numerator is 'The count itself.';
comment on column indicators.se13_employees.denominator is 'NULL (not a rate).';
comment on column indicators.se13_employees.n_units is 'Reporting enterprises.';
comment on column indicators.se13_employees.top_share is 'NULL (money aggregates only).';
