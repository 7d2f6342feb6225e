-- indicators.se10_support_activities (SE10): support activities for social enterprises held in the
-- year (advice, skills training, tender training, marketing, networking, business development,
-- financing advice) and the number of distinct enterprises taking part (open events name none); in
-- total, by activity type and by who arranged them (municipality, region, Coompanion, other: a
-- closed list; the delivered free text never becomes a published value). Municipal cells only;
-- all_values applies coverage and makes the county rows (an enterprise taking part in two
-- municipalities' activities counts once among the county's enterprises).
-- Grain: municipality_code, period, breakdown, breakdown_value, unit.
-- Sources: core.support_activities.
-- Action plan AP2b, AP3; Agenda 2030 targets 8.3 and 17.17 (proxies); motion question Q1.
-- column comments from indicators.municipal_cells
create or replace view indicators.se10_support_activities as
with breakdowns as (
    select 'total' as breakdown, '_T' as breakdown_value
    union all
    select 'activity_type', t from unnest(['advice', 'skills_training', 'procurement_training', 'marketing',
                                            'networking', 'business_development', 'financing_advice']) as x(t)
    union all
    select 'arranger', t from unnest(['municipality', 'region', 'coompanion', 'other']) as x(t)
),
counted as (
    select g.municipality_code, g.year, b.breakdown, b.breakdown_value,
           count(a.activity_id) as activities,
           list(distinct a.org_nr) filter (where a.org_nr is not null) as orgs
    from core.municipality_years as g
    cross join breakdowns as b
    left join core.support_activities as a
      on a.municipality_code = g.municipality_code and a.year = g.year
     and (b.breakdown = 'total'
          or (b.breakdown = 'activity_type' and a.activity_type = b.breakdown_value)
          or (b.breakdown = 'arranger' and a.arranger_type = b.breakdown_value))
    group by all
),
final as (
    select
        'SE10' as indicator_id, c.municipality_code, c.year, cast(c.year as varchar) as period, 'T' as sex,
        c.breakdown, c.breakdown_value, u.unit, 'count_enterprises' as measure,
        cast(case when u.unit = 'activities' then c.activities else coalesce(len(c.orgs), 0) end as double) as numerator,
        cast(null as double) as denominator, cast(null as double) as persons, cast(null as double) as scale,
        case when u.unit = 'activities' then 'sum' else 'distinct' end as numerator_rollup,
        cast(null as varchar) as denominator_rollup,
        coalesce(list_transform(c.orgs, lambda o: core.contribution(o, 1, null, null)), []) as contributors,
        false as provisional, 'support activities' as source
    from counted as c
    cross join (values ('activities'), ('enterprises')) as u(unit)
)
select * from final;
comment on view indicators.se10_support_activities is 'SE10 Support activities for social enterprises and the distinct enterprises taking part, per municipality, year, activity type and arranger type (municipal cells; all_values adds coverage and county rows).';
