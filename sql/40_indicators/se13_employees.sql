-- indicators.se13_employees (SE13): employees (anställda, not trainees) of the social enterprises on
-- 31 December, from their annual reports, by sex (K, M and T = K + M). The share in subsidised
-- employment is not in the annual-report contract, so it is not computed. Municipal cells only;
-- all_values applies coverage and makes the county rows (an enterprise whose report two
-- municipalities delivered counts once).
-- Grain: municipality_code, period, sex.
-- Sources: core.annual_reports (reported with consent).
-- Action plan AP2a; Agenda 2030 target 8.5 (proxy); motion questions Q1 and Q2.
-- column comments from indicators.municipal_cells
create or replace view indicators.se13_employees as
with reports as (
    select municipality_code, year, org_nr,
           coalesce(employees_k, 0) as employees_k, coalesce(employees_m, 0) as employees_m
    from core.annual_reports
    where employees_k is not null or employees_m is not null
),
per_sex as (
    select g.municipality_code, g.year, s.sex,
           list(core.contribution(r.org_nr, e.employees, null, e.employees)) filter (where r.org_nr is not null)
               as contributors
    from core.municipality_years as g
    cross join (values ('T'), ('K'), ('M')) as s(sex)
    left join reports as r on r.municipality_code = g.municipality_code and r.year = g.year
    cross join lateral (select case s.sex when 'K' then r.employees_k when 'M' then r.employees_m
                                          else r.employees_k + r.employees_m end as employees) as e
    group by all
),
final as (
    select
        'SE13' as indicator_id, municipality_code, year, cast(year as varchar) as period, sex,
        'total' as breakdown, '_T' as breakdown_value, 'persons' as unit, 'count_persons' as measure,
        coalesce(list_sum(list_transform(contributors, lambda c: c.numerator)), 0) as numerator,
        cast(null as double) as denominator,
        coalesce(list_sum(list_transform(contributors, lambda c: c.persons)), 0) as persons,
        cast(null as double) as scale, 'org_once' as numerator_rollup, cast(null as varchar) as denominator_rollup,
        coalesce(contributors, []) as contributors, false as provisional, 'annual reports' as source
    from per_sex
)
select * from final;
comment on view indicators.se13_employees is 'SE13 Employees of the social enterprises on 31 December by sex, from annual reports (municipal cells; all_values adds coverage and county rows).';
