-- indicators.se10_support_activities (SE10): support activities for social enterprises held in the
-- year (advice, skills training, tender training, marketing, networking, business development,
-- financing advice) and the number of distinct enterprises taking part (open events name none); in
-- total, by activity type and by arranger (the arrangers found in the municipality's deliveries).
-- County rows sum the municipalities (an enterprise taking part in two municipalities counts twice).
-- No support-activity delivery = L.
-- Grain: municipality_code, period, breakdown, breakdown_value, unit.
-- Sources: core.support_activities.
-- Action plan AP2b, AP3; Agenda 2030 targets 8.3 and 17.17 (proxies); motion question Q1.
create or replace view indicators.se10_support_activities as
with municipalities as (
    select code as municipality_code from meta.municipalities where not is_region
),
types as (
    select * from (values ('advice'), ('skills_training'), ('procurement_training'), ('marketing'),
                          ('networking'), ('business_development'), ('financing_advice')) as t(activity_type)
),
breakdowns as (
    select m.municipality_code, b.breakdown, b.breakdown_value
    from municipalities as m
    cross join (select 'total' as breakdown, '_T' as breakdown_value
                union all select 'activity_type', activity_type from types) as b
    union all
    select distinct municipality_code, 'arranger', coalesce(arranger, 'unknown')
    from core.support_activities
),
cells as (
    select b.*, y.year
    from breakdowns as b
    cross join core.calendar_years as y
),
counted as (
    select
        c.municipality_code, c.year, c.breakdown, c.breakdown_value,
        count(a.activity_id) as activities,
        count(distinct a.org_nr) as enterprises
    from cells as c
    left join core.support_activities as a
      on a.municipality_code = c.municipality_code and a.year = c.year
     and (c.breakdown = 'total'
          or (c.breakdown = 'activity_type' and a.activity_type = c.breakdown_value)
          or (c.breakdown = 'arranger' and coalesce(a.arranger, 'unknown') = c.breakdown_value))
    group by all
),
with_coverage as (
    select counted.*, coalesce(cov.delivered, false) as delivered
    from counted
    left join core.register_coverage as cov
      on cov.municipality_code = counted.municipality_code and cov.dataset = 'support_activities'
),
county as (
    select
        (select code from meta.municipalities where is_region) as municipality_code,
        year, breakdown, breakdown_value,
        sum(activities) filter (where delivered) as activities,
        sum(enterprises) filter (where delivered) as enterprises,
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
        'SE10' as indicator_id, municipality_code, cast(year as varchar) as period, 'T' as sex,
        breakdown, breakdown_value,
        case when delivered then cast(activities as double) end as value,
        'activities' as unit,
        case when delivered then 'A' else 'L' end as obs_status,
        'support activities' as source,
        'count_enterprises' as measure,
        case when delivered then cast(activities as double) end as numerator,
        cast(null as double) as denominator,
        cast(case when delivered then enterprises end as bigint) as n_units,
        cast(null as double) as top_share
    from both_levels
    union all
    select
        'SE10', municipality_code, cast(year as varchar), 'T',
        breakdown, breakdown_value,
        case when delivered then cast(enterprises as double) end,
        'enterprises',
        case when delivered then 'A' else 'L' end,
        'support activities',
        'count_enterprises',
        case when delivered then cast(enterprises as double) end,
        cast(null as double),
        cast(case when delivered then enterprises end as bigint),
        cast(null as double)
    from both_levels
)
select * from final;
comment on view indicators.se10_support_activities is 'SE10 Support activities for social enterprises and the distinct enterprises taking part, per municipality, year, activity type and arranger; county rows summed.';
comment on column indicators.se10_support_activities.indicator_id is 'Indicator id (SE10).';
comment on column indicators.se10_support_activities.municipality_code is 'Kommunkod, or the region''s code for county rows.';
comment on column indicators.se10_support_activities.period is 'Calendar year of the activity.';
comment on column indicators.se10_support_activities.sex is 'T: not person-based.';
comment on column indicators.se10_support_activities.breakdown is 'total, activity_type or arranger.';
comment on column indicators.se10_support_activities.breakdown_value is '_T; an activity type; an arranger as delivered (unknown when blank).';
comment on column indicators.se10_support_activities.value is 'Number of activities, or of distinct enterprises taking part.';
comment on column indicators.se10_support_activities.unit is 'activities or enterprises.';
comment on column indicators.se10_support_activities.obs_status is 'A normal; L support activities not delivered.';
comment on column indicators.se10_support_activities.source is 'Where the figure comes from.';
comment on column indicators.se10_support_activities.measure is 'count_enterprises: non-person counts, not suppressed.';
comment on column indicators.se10_support_activities.numerator is 'The count itself.';
comment on column indicators.se10_support_activities.denominator is 'NULL for counts.';
comment on column indicators.se10_support_activities.n_units is 'Distinct enterprises taking part in the cell''s activities.';
comment on column indicators.se10_support_activities.top_share is 'NULL (money aggregates only).';
