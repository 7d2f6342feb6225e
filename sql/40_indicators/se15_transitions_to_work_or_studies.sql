-- indicators.se15_transitions_to_work_or_studies (SE15): of the persons whose placement in a social
-- enterprise ended in the year (any referrer), the share (%) who went on to work (unsubsidised or
-- subsidised) or studies (breakdown total), and to each outcome separately (breakdown outcome); by
-- sex (K, M, T). Rates over persons (rate_persons): numerator and denominator are persons, so a
-- rate built on 1-4 persons is suppressed. County rows divide summed persons. No placements
-- delivery = L; no placement ended in the year = NULL with M (a share of nobody cannot exist).
-- Grain: municipality_code, period, sex, breakdown, breakdown_value.
-- Sources: core.placements.
-- Action plan AP2a; Agenda 2030 targets 8.5, 8.6 and 10.2 (proxies); motion question Q2.
create or replace view indicators.se15_transitions_to_work_or_studies as
with municipalities as (
    select code as municipality_code from meta.municipalities where not is_region
),
breakdowns as (
    select * from (values ('total', '_T'), ('outcome', 'unsubsidised_work'), ('outcome', 'subsidised_work'),
                          ('outcome', 'studies')) as b(breakdown, breakdown_value)
),
cells as (
    select m.municipality_code, y.year, s.sex, b.breakdown, b.breakdown_value
    from municipalities as m
    cross join core.calendar_years as y
    cross join (values ('T'), ('K'), ('M')) as s(sex)
    cross join breakdowns as b
),
municipal as (
    select
        c.municipality_code, c.year, c.sex, c.breakdown, c.breakdown_value,
        coalesce(cov.delivered, false) as delivered,
        coalesce(sum(p.persons_ended), 0) as ended,
        coalesce(sum(case c.breakdown_value
                          when '_T' then p.ended_to_work_or_studies
                          when 'unsubsidised_work' then p.ended_to_unsubsidised_work
                          when 'subsidised_work' then p.ended_to_subsidised_work
                          when 'studies' then p.ended_to_studies
                      end), 0) as to_outcome,
        count(distinct p.org_nr) filter (where p.persons_ended > 0) as enterprises
    from cells as c
    left join core.register_coverage as cov
      on cov.municipality_code = c.municipality_code and cov.dataset = 'placements'
    left join core.placements as p
      on p.municipality_code = c.municipality_code and p.year = c.year
     and (c.sex = 'T' or p.sex = c.sex)
    group by all
),
county as (
    select
        (select code from meta.municipalities where is_region) as municipality_code,
        year, sex, breakdown, breakdown_value,
        bool_or(delivered) as delivered,
        sum(ended) filter (where delivered) as ended,
        sum(to_outcome) filter (where delivered) as to_outcome,
        sum(enterprises) filter (where delivered) as enterprises
    from municipal
    group by all
),
final as (
    select
        'SE15' as indicator_id,
        municipality_code,
        cast(year as varchar) as period,
        sex,
        breakdown,
        breakdown_value,
        case when delivered and ended > 0 then cast(100.0 * to_outcome / ended as double) end as value,
        '%' as unit,
        case when not delivered then 'L' when ended = 0 then 'M' else 'A' end as obs_status,
        'placements' as source,
        'rate_persons' as measure,
        case when delivered then cast(to_outcome as double) end as numerator,
        case when delivered then cast(ended as double) end as denominator,
        cast(case when delivered then enterprises end as bigint) as n_units,
        cast(null as double) as top_share
    from (select * from municipal union all by name select * from county)
)
select * from final;
comment on view indicators.se15_transitions_to_work_or_studies is 'SE15 Share of persons leaving a placement in a social enterprise who went on to work or studies (and to each outcome), by sex; county from summed persons.';
comment on column indicators.se15_transitions_to_work_or_studies.indicator_id is 'Indicator id (SE15).';
comment on column indicators.se15_transitions_to_work_or_studies.municipality_code is 'Kommunkod, or the region''s code for county rows.';
comment on column indicators.se15_transitions_to_work_or_studies.period is 'Calendar year the placements ended.';
comment on column indicators.se15_transitions_to_work_or_studies.sex is 'T total, K women, M men.';
comment on column indicators.se15_transitions_to_work_or_studies.breakdown is 'total (work or studies), or outcome.';
comment on column indicators.se15_transitions_to_work_or_studies.breakdown_value is '_T; unsubsidised_work, subsidised_work or studies.';
comment on column indicators.se15_transitions_to_work_or_studies.value is 'Percentage of persons whose placement ended who went on to the outcome.';
comment on column indicators.se15_transitions_to_work_or_studies.unit is '%.';
comment on column indicators.se15_transitions_to_work_or_studies.obs_status is 'A normal; L placements not delivered; M no placement ended in the year.';
comment on column indicators.se15_transitions_to_work_or_studies.source is 'Where the figure comes from.';
comment on column indicators.se15_transitions_to_work_or_studies.measure is 'rate_persons: suppressed when numerator or denominator is 1-4 persons.';
comment on column indicators.se15_transitions_to_work_or_studies.numerator is 'Persons who went on to the outcome.';
comment on column indicators.se15_transitions_to_work_or_studies.denominator is 'Persons whose placement ended in the year.';
comment on column indicators.se15_transitions_to_work_or_studies.n_units is 'Social enterprises with ended placements.';
comment on column indicators.se15_transitions_to_work_or_studies.top_share is 'NULL (money aggregates only).';
