-- indicators.se14_municipality_referred_participants (SE14): persons the municipality itself (its
-- labour-market unit or social services: core.placements.referrer_type) referred who started a
-- placement in a social enterprise in the year, and the participant-days of those placements; by sex
-- (K, M, T), in total, by age band (16-24 separately, for target 8.6) and by referrer type. Placements
-- are aggregated at source, so "persons" are persons started (a person starting twice counts twice).
-- Both units are person data: the days cells carry the persons behind them (the larger of persons
-- started and persons ended), so days of 1-4 persons are suppressed too. Municipal cells only;
-- all_values applies coverage and sums the county rows (each municipality refers its own residents).
-- Grain: municipality_code, period, sex, breakdown, breakdown_value, unit.
-- Sources: core.placements.
-- Action plan AP2c; Agenda 2030 targets 10.2 and 8.6 (youth; proxies); motion question Q2.
-- column comments from indicators.municipal_cells
create or replace view indicators.se14_municipality_referred_participants as
with breakdowns as (
    select 'total' as breakdown, '_T' as breakdown_value
    union all
    select 'age_band', t from unnest(['16-24', '25-64', '65+']) as x(t)
    union all
    select 'referrer', t from unnest(['labour_market_unit', 'social_services', 'municipality_other']) as x(t)
),
per_enterprise as (
    select g.municipality_code, g.year, s.sex, b.breakdown, b.breakdown_value, p.org_nr,
           sum(p.persons_started) as started, sum(p.participant_days) as days,
           greatest(sum(p.persons_started), sum(p.persons_ended)) as persons
    from core.municipality_years as g
    cross join (values ('T'), ('K'), ('M')) as s(sex)
    cross join breakdowns as b
    left join core.placements as p
      on p.municipality_code = g.municipality_code and p.year = g.year and p.is_municipal_referral
     and (s.sex = 'T' or p.sex = s.sex)
     and (b.breakdown = 'total'
          or (b.breakdown = 'age_band' and p.age_band = b.breakdown_value)
          or (b.breakdown = 'referrer' and p.referrer_type = b.breakdown_value))
    group by all
),
final as (
    select
        'SE14' as indicator_id, e.municipality_code, e.year, cast(e.year as varchar) as period, e.sex,
        e.breakdown, e.breakdown_value, u.unit, 'count_persons' as measure,
        cast(coalesce(sum(case when u.unit = 'persons' then e.started else e.days end), 0) as double) as numerator,
        cast(null as double) as denominator,
        cast(coalesce(sum(case when u.unit = 'persons' then e.started else e.persons end), 0) as double) as persons,
        cast(null as double) as scale, 'sum' as numerator_rollup, cast(null as varchar) as denominator_rollup,
        coalesce(list(core.contribution(e.org_nr, case when u.unit = 'persons' then e.started else e.days end, null,
                                        case when u.unit = 'persons' then e.started else e.persons end))
                 filter (where e.org_nr is not null), []) as contributors,
        false as provisional, 'placements' as source
    from per_enterprise as e
    cross join (values ('persons'), ('days')) as u(unit)
    group by all
)
select * from final;
comment on view indicators.se14_municipality_referred_participants is 'SE14 Municipality-referred persons starting a placement in a social enterprise, and participant-days, by sex, age band and referrer type (municipal cells; all_values adds coverage and county rows).';
