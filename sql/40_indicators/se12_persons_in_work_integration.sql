-- indicators.se12_persons_in_work_integration (SE12): persons occupied in work integration (any
-- form: training, placement, employment) in the social enterprises during the year, from the
-- enterprises' annual reports, by sex (K, M and T = K + M); and the full-time equivalents of those
-- participants (participant_fte, sex T) over the enterprises that report it, with the persons behind
-- them so the same 1-4 rule protects them. The enterprise's fte (all its employees) is not the
-- participants' and is never used here. Municipal cells only; all_values applies coverage (no
-- annual-report delivery for the year = L, never 0) and makes the county rows (an enterprise whose
-- report two municipalities delivered counts once).
-- Grain: municipality_code, period, sex, unit.
-- Sources: core.annual_reports (reported with consent).
-- Action plan AP2a; Agenda 2030 targets 8.5 and 10.2 (proxies); motion question Q2.
-- column comments from indicators.municipal_cells
create or replace view indicators.se12_persons_in_work_integration as
with reports as (
    select municipality_code, year, org_nr, coalesce(participants_k, 0) as persons_k,
           coalesce(participants_m, 0) as persons_m, participant_fte
    from core.annual_reports
    where participants_k is not null or participants_m is not null
),
per_sex as (
    select g.municipality_code, g.year, s.sex, s.unit,
           list(core.contribution(
               r.org_nr,
               case when s.unit = 'FTE' then r.participant_fte
                    when s.sex = 'K' then r.persons_k when s.sex = 'M' then r.persons_m
                    else r.persons_k + r.persons_m end,
               null,
               case when s.sex = 'K' then r.persons_k when s.sex = 'M' then r.persons_m
                    else r.persons_k + r.persons_m end)) filter (where r.org_nr is not null) as contributors
    from core.municipality_years as g
    cross join (values ('T', 'persons'), ('K', 'persons'), ('M', 'persons'), ('T', 'FTE')) as s(sex, unit)
    left join reports as r
      on r.municipality_code = g.municipality_code and r.year = g.year
     and (s.unit = 'persons' or r.participant_fte is not null)
    group by all
),
final as (
    select
        'SE12' as indicator_id, municipality_code, year, cast(year as varchar) as period, sex,
        'total' as breakdown, '_T' as breakdown_value, unit, 'count_persons' as measure,
        coalesce(list_sum(list_transform(contributors, lambda c: c.numerator)), 0) as numerator,
        cast(null as double) as denominator,
        coalesce(list_sum(list_transform(contributors, lambda c: c.persons)), 0) as persons,
        cast(null as double) as scale, 'org_once' as numerator_rollup, cast(null as varchar) as denominator_rollup,
        coalesce(contributors, []) as contributors, false as provisional, 'annual reports' as source
    from per_sex
)
select * from final;
comment on view indicators.se12_persons_in_work_integration is 'SE12 Persons in work integration in social enterprises (by sex) and the participants'' FTE, from annual reports (municipal cells; all_values adds coverage and county rows).';
