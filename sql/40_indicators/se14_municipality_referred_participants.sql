-- indicators.se14_municipality_referred_participants (SE14): persons the municipality itself
-- (arbetsmarknadsenhet, socialtjänst: core.placements.is_municipal_referral) referred who started a
-- placement in a social enterprise in the year, and the participant-days of those placements; by sex
-- (K, M, T), in total, by age band (16-24 separately, for target 8.6) and by referrer. Placements
-- are aggregated at source, so "persons" are persons started (a person starting twice counts twice).
-- Both units are person data (count_persons): the days rows carry as numerator the larger of
-- persons started and persons ended, so days of 1-4 persons are suppressed too. County rows sum the
-- municipalities. No placements delivery = L.
-- Grain: municipality_code, period, sex, breakdown, breakdown_value, unit.
-- Sources: core.placements.
-- Action plan AP2c; Agenda 2030 targets 10.2 and 8.6 (youth; proxies); motion question Q2.
create or replace view indicators.se14_municipality_referred_participants as
with municipalities as (
    select code as municipality_code from meta.municipalities where not is_region
),
referred as (
    select * from core.placements where is_municipal_referral
),
breakdowns as (
    select m.municipality_code, b.breakdown, b.breakdown_value
    from municipalities as m
    cross join (values ('total', '_T'), ('age_band', '16-24'), ('age_band', '25-64'), ('age_band', '65+'))
        as b(breakdown, breakdown_value)
    union all
    select distinct municipality_code, 'referrer', lower(referrer) from referred
),
cells as (
    select b.*, y.year, s.sex
    from breakdowns as b
    cross join core.calendar_years as y
    cross join (values ('T'), ('K'), ('M')) as s(sex)
),
municipal as (
    select
        c.municipality_code, c.year, c.sex, c.breakdown, c.breakdown_value,
        coalesce(cov.delivered, false) as delivered,
        coalesce(sum(r.persons_started), 0) as persons_started,
        coalesce(sum(r.persons_ended), 0) as persons_ended,
        coalesce(sum(r.participant_days), 0) as participant_days,
        count(distinct r.org_nr) as enterprises
    from cells as c
    left join core.register_coverage as cov
      on cov.municipality_code = c.municipality_code and cov.dataset = 'placements'
    left join referred as r
      on r.municipality_code = c.municipality_code and r.year = c.year
     and (c.sex = 'T' or r.sex = c.sex)
     and (c.breakdown = 'total'
          or (c.breakdown = 'age_band' and r.age_band = c.breakdown_value)
          or (c.breakdown = 'referrer' and lower(r.referrer) = c.breakdown_value))
    group by all
),
county as (
    select
        (select code from meta.municipalities where is_region) as municipality_code,
        year, sex, breakdown, breakdown_value,
        bool_or(delivered) as delivered,
        sum(persons_started) filter (where delivered) as persons_started,
        sum(persons_ended) filter (where delivered) as persons_ended,
        sum(participant_days) filter (where delivered) as participant_days,
        sum(enterprises) filter (where delivered) as enterprises
    from municipal
    group by all
),
both_levels as (
    select * from municipal
    union all by name
    select * from county
),
final as (
    select
        'SE14' as indicator_id, municipality_code, cast(year as varchar) as period, sex,
        breakdown, breakdown_value,
        case when delivered then cast(persons_started as double) end as value,
        'persons' as unit,
        case when delivered then 'A' else 'L' end as obs_status,
        'placements' as source,
        'count_persons' as measure,
        case when delivered then cast(persons_started as double) end as numerator,
        cast(null as double) as denominator,
        cast(case when delivered then enterprises end as bigint) as n_units,
        cast(null as double) as top_share
    from both_levels
    union all
    select
        'SE14', municipality_code, cast(year as varchar), sex,
        breakdown, breakdown_value,
        case when delivered then cast(participant_days as double) end,
        'days',
        case when delivered then 'A' else 'L' end,
        'placements',
        'count_persons',
        case when delivered then cast(greatest(persons_started, persons_ended) as double) end,
        cast(null as double),
        cast(case when delivered then enterprises end as bigint),
        cast(null as double)
    from both_levels
)
select * from final;
comment on view indicators.se14_municipality_referred_participants is 'SE14 Municipality-referred persons starting a placement in a social enterprise, and participant-days, by sex, age band and referrer; county rows summed.';
comment on column indicators.se14_municipality_referred_participants.indicator_id is 'Indicator id (SE14).';
comment on column indicators.se14_municipality_referred_participants.municipality_code is 'Kommunkod, or the region''s code for county rows.';
comment on column indicators.se14_municipality_referred_participants.period is 'Calendar year.';
comment on column indicators.se14_municipality_referred_participants.sex is 'T total, K women, M men.';
comment on column indicators.se14_municipality_referred_participants.breakdown is 'total, age_band or referrer.';
comment on column indicators.se14_municipality_referred_participants.breakdown_value is '_T; 16-24, 25-64 or 65+; the referrer in lower case (arbetsmarknadsenhet, socialtjänst ...).';
comment on column indicators.se14_municipality_referred_participants.value is 'Persons who started a placement in the year, or participant-days in the year.';
comment on column indicators.se14_municipality_referred_participants.unit is 'persons or days.';
comment on column indicators.se14_municipality_referred_participants.obs_status is 'A normal; L placements not delivered.';
comment on column indicators.se14_municipality_referred_participants.source is 'Where the figure comes from.';
comment on column indicators.se14_municipality_referred_participants.measure is 'count_persons: person counts 1-4 (and days of 1-4 persons) are suppressed.';
comment on column indicators.se14_municipality_referred_participants.numerator is 'Persons behind the value (days rows: the larger of persons started and ended).';
comment on column indicators.se14_municipality_referred_participants.denominator is 'NULL (not a rate).';
comment on column indicators.se14_municipality_referred_participants.n_units is 'Social enterprises hosting the placements.';
comment on column indicators.se14_municipality_referred_participants.top_share is 'NULL (money aggregates only).';
