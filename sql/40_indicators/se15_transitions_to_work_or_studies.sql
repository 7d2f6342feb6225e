-- indicators.se15_transitions_to_work_or_studies (SE15): of the persons whose placement in a social
-- enterprise ended in the year (any referrer), the share (%) who went on to work (unsubsidised or
-- subsidised) or studies (breakdown total), and to each outcome separately (breakdown outcome); by
-- sex (K, M, T). Rates over persons: numerator and denominator are persons, so a rate built on 1-4
-- persons is suppressed; the outcome shares of one sex add up to the total share (one denominator).
-- No placement ended in the year is a share of nobody (M). Municipal cells only; all_values applies
-- coverage and divides the county's summed persons.
-- Grain: municipality_code, period, sex, breakdown, breakdown_value.
-- Sources: core.placements.
-- Action plan AP2a; Agenda 2030 targets 8.5, 8.6 and 10.2 (proxies); motion question Q2.
-- column comments from indicators.municipal_cells
create or replace view indicators.se15_transitions_to_work_or_studies as
with per_enterprise as (
    select g.municipality_code, g.year, s.sex, b.breakdown, b.breakdown_value, p.org_nr,
           sum(p.persons_ended) as ended,
           sum(case b.breakdown_value when '_T' then p.ended_to_work_or_studies
                                      when 'unsubsidised_work' then p.ended_to_unsubsidised_work
                                      when 'subsidised_work' then p.ended_to_subsidised_work
                                      when 'studies' then p.ended_to_studies end) as to_outcome
    from core.municipality_years as g
    cross join (values ('T'), ('K'), ('M')) as s(sex)
    cross join (values ('total', '_T'), ('outcome', 'unsubsidised_work'), ('outcome', 'subsidised_work'),
                       ('outcome', 'studies')) as b(breakdown, breakdown_value)
    left join core.placements as p
      on p.municipality_code = g.municipality_code and p.year = g.year and (s.sex = 'T' or p.sex = s.sex)
    group by all
),
final as (
    select
        'SE15' as indicator_id, municipality_code, year, cast(year as varchar) as period, sex,
        breakdown, breakdown_value, '%' as unit, 'rate_persons' as measure,
        cast(coalesce(sum(to_outcome), 0) as double) as numerator,
        cast(coalesce(sum(ended), 0) as double) as denominator,
        cast(null as double) as persons, 100.0 as scale, 'sum' as numerator_rollup, 'sum' as denominator_rollup,
        coalesce(list(core.contribution(org_nr, to_outcome, ended, ended))
                 filter (where org_nr is not null and ended > 0), []) as contributors,
        false as provisional, 'placements' as source
    from per_enterprise
    group by all
)
select * from final;
comment on view indicators.se15_transitions_to_work_or_studies is 'SE15 Share of persons leaving a placement in a social enterprise who went on to work or studies (and to each outcome), by sex (municipal cells; all_values adds coverage and county rows).';
