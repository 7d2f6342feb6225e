-- indicators.se03_survival_3_years (SE03): of the social enterprises started in year S, the share
-- still active on 31 December of S+3 (not ended in the register, not deregistered, bankrupt or
-- liquidated at Bolagsverket: core.enterprises.valid_to). Period 'S-(S+3)' for each start year S
-- from first_year to last_year - 3. Cohorts are small, so the same cohorts are also pooled (breakdown
-- cohort = pooled, period 'first_year-last_year'): pooled and county shares divide summed survivors
-- by summed starters, never average shares. A cohort of zero is NULL with obs_status M (a share of
-- nothing cannot exist); no register delivery is L; a provisional Bolagsverket source makes it P.
-- Grain: municipality_code, period, breakdown, breakdown_value.
-- Sources: core.enterprises (register end dates completed by Bolagsverket deregistrations).
-- Action plan AP2a; Agenda 2030 target 8.3 (proxy); motion question Q1.
create or replace view indicators.se03_survival_3_years as
with municipalities as (
    select code as municipality_code from meta.municipalities where not is_region
),
bounds as (
    select min(year) as first_year, max(year) as last_year from core.calendar_years
),
bolagsverket_provisional as (
    select coalesce(bool_or(provisional), false) as provisional from meta.source_status where source = 'bolagsverket'
),
cohort_years as (
    -- start years whose 3-year window ends within the reporting years
    select year as start_year from core.calendar_years, bounds where year + 3 <= bounds.last_year
),
followed as (
    select
        e.municipality_code,
        c.start_year,
        e.org_nr,
        (e.valid_to is null or e.valid_to > make_date(c.start_year + 3, 12, 31)) as survived
    from core.enterprises as e
    join cohort_years as c on year(e.valid_from) = c.start_year
),
per_cohort as (
    select
        m.municipality_code,
        c.start_year,
        count(f.org_nr) as started,
        count(f.org_nr) filter (where f.survived) as survivors
    from municipalities as m
    cross join cohort_years as c
    left join followed as f on f.municipality_code = m.municipality_code and f.start_year = c.start_year
    group by all
),
cells as (
    select
        municipality_code,
        cast(start_year as varchar) || '-' || cast(start_year + 3 as varchar) as period,
        'total' as breakdown, '_T' as breakdown_value,
        started, survivors
    from per_cohort
    union all
    select
        p.municipality_code,
        cast(b.first_year as varchar) || '-' || cast(b.last_year as varchar) as period,
        'cohort' as breakdown, 'pooled' as breakdown_value,
        sum(p.started) as started, sum(p.survivors) as survivors
    from per_cohort as p, bounds as b
    group by all
),
with_coverage as (
    select cells.*, coalesce(cov.delivered, false) as delivered
    from cells
    left join core.register_coverage as cov
      on cov.municipality_code = cells.municipality_code and cov.dataset = 'enterprises'
),
county as (
    select
        (select code from meta.municipalities where is_region) as municipality_code,
        period, breakdown, breakdown_value,
        sum(started) filter (where delivered) as started,
        sum(survivors) filter (where delivered) as survivors,
        bool_or(delivered) as delivered
    from with_coverage
    group by all
),
final as (
    select
        'SE03' as indicator_id,
        municipality_code,
        period,
        'T' as sex,
        breakdown,
        breakdown_value,
        case when delivered and started > 0 then 100.0 * survivors / started end as value,
        '%' as unit,
        case
            when not delivered then 'L'
            when started = 0 then 'M'
            when (select provisional from bolagsverket_provisional) then 'P'
            else 'A'
        end as obs_status,
        'municipal register; Bolagsverket' as source,
        'rate' as measure,
        case when delivered then cast(survivors as double) end as numerator,
        case when delivered then cast(started as double) end as denominator,
        cast(case when delivered then started end as bigint) as n_units,
        cast(null as double) as top_share
    from (select * from with_coverage union all by name select * from county)
)
select * from final;
comment on view indicators.se03_survival_3_years is 'SE03 3-year survival (%) of social enterprises by start-year cohort (period S-(S+3)) and pooled over the cohorts; county rows summed.';
comment on column indicators.se03_survival_3_years.indicator_id is 'Indicator id (SE03).';
comment on column indicators.se03_survival_3_years.municipality_code is 'Kommunkod, or the region''s code for county rows.';
comment on column indicators.se03_survival_3_years.period is 'S-(S+3): started in S, observed on 31 December of S+3; pooled rows span first_year-last_year.';
comment on column indicators.se03_survival_3_years.sex is 'T: not person-based.';
comment on column indicators.se03_survival_3_years.breakdown is 'total (one cohort) or cohort (pooled cohorts).';
comment on column indicators.se03_survival_3_years.breakdown_value is '_T for one cohort; pooled for all cohorts of the reporting years together.';
comment on column indicators.se03_survival_3_years.value is 'Survivors as a percentage of the cohort; NULL when the cohort is empty or the register is missing.';
comment on column indicators.se03_survival_3_years.unit is '%.';
comment on column indicators.se03_survival_3_years.obs_status is 'A normal; L register not delivered; M empty cohort; P provisional Bolagsverket data.';
comment on column indicators.se03_survival_3_years.source is 'Where the figure comes from.';
comment on column indicators.se03_survival_3_years.measure is 'rate (not person data).';
comment on column indicators.se03_survival_3_years.numerator is 'Enterprises of the cohort still active at the end of the window.';
comment on column indicators.se03_survival_3_years.denominator is 'Enterprises started in the cohort year(s).';
comment on column indicators.se03_survival_3_years.n_units is 'Enterprises in the cohort.';
comment on column indicators.se03_survival_3_years.top_share is 'NULL (money aggregates only).';
