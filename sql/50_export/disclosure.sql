-- export.disclosure: the confidentiality status of every indicator value (DESIGN §6), SDMX CONF_STATUS
-- F free, C primary suppression, D secondary suppression. Thresholds come from meta.parameters.
--
-- Primary rules (C):
--   count_persons: the persons behind the value (numerator, else the value) are 1-4;
--   rate_persons:  the numerator or the denominator is 1-4 persons;
--   money:         fewer than min_enterprises enterprises contribute (n_units), or the largest one
--                  is above dominance_share of the total (top_share). Money without enterprise
--                  helpers (procurement estimates) is public and free.
--   count_enterprises, rate, context: never suppressed (not person data, or published statistics).
-- Secondary rules (D), so a suppressed value cannot be recomputed from published ones; applied to
-- published (F, non-NULL) cells and repeated until a pass changes nothing (at most 10 passes):
--   (a) sex pairs: exactly one of K/M is suppressed and T is published -> the other one gets D
--       (all sensitive measures);
--   (b) breakdown groups of additive measures (count_persons, money): exactly one cell of a
--       breakdown group (same indicator, area, period, sex, unit and breakdown) is suppressed and
--       the group's total row is published -> the smallest other cell (non-zero first) gets D;
--   (c) geography: county rows are sums of municipal rows (additive measures, not %): exactly one
--       municipality's cell is suppressed and the county cell is published -> the smallest other
--       municipal cell (non-zero first) gets D.
-- Grain: as indicators.all_values. Sources: indicators.all_values, meta.parameters, meta.municipalities.
-- Action plan AP1 (statistics that can be shared); Agenda 2030: all targets (proxies).
create or replace view export.disclosure as
with recursive params as (
    select
        max(case when name = 'min_person_count' then cast(value as double) end) as min_persons,
        max(case when name = 'min_enterprises' then cast(value as double) end) as min_enterprises,
        max(case when name = 'dominance_share' then cast(value as double) end) as dominance_share
    from meta.parameters
),
primary_rule as (
    select
        v.*,
        row_number() over (order by v.indicator_id, v.municipality_code, v.period, v.sex, v.breakdown,
                                    v.breakdown_value, v.unit) as row_id,
        coalesce(m.is_region, false) as is_region,
        v.measure in ('count_persons', 'rate_persons', 'money') as is_sensitive,
        v.measure in ('count_persons', 'money') as is_additive,
        v.measure in ('count_persons', 'money') and v.unit <> '%' as is_geo_additive,
        case
            when v.value is null then 'F'
            when v.measure = 'count_persons'
                 and coalesce(v.persons, v.value) > 0 and coalesce(v.persons, v.value) < p.min_persons then 'C'
            when v.measure = 'rate_persons'
                 and ((v.numerator > 0 and v.numerator < p.min_persons)
                      or (v.denominator > 0 and v.denominator < p.min_persons)) then 'C'
            when v.measure = 'money'
                 and ((v.n_units > 0 and v.n_units < p.min_enterprises)
                      or v.top_share > p.dominance_share) then 'C'
            else 'F'
        end as primary_status
    from indicators.all_values as v
    cross join params as p
    left join meta.municipalities as m on m.code = v.municipality_code
),
candidates as (
    -- only sensitive cells with a value can be hidden or reveal a hidden one; the groups are
    -- numbered once so the passes partition by integers
    select
        row_id, primary_status, sex, breakdown = 'total' as is_total, value, is_region,
        is_additive, is_geo_additive,
        dense_rank() over (order by indicator_id, municipality_code, period, breakdown, breakdown_value, unit)
            as sex_pair_id,
        dense_rank() over (order by indicator_id, municipality_code, period, sex, unit, breakdown)
            as breakdown_group_id,
        dense_rank() over (order by indicator_id, municipality_code, period, sex, unit) as totals_id,
        dense_rank() over (order by indicator_id, period, sex, breakdown, breakdown_value, unit) as geography_id
    from primary_rule
    where is_sensitive and value is not null
),
passes(row_id, pass, conf_status, changed, sex, is_total, value, is_region, is_additive, is_geo_additive,
       sex_pair_id, breakdown_group_id, totals_id, geography_id) as (
    select
        row_id, 0, primary_status, true, sex, is_total, value, is_region, is_additive, is_geo_additive,
        sex_pair_id, breakdown_group_id, totals_id, geography_id
    from candidates
    union all
    select
        row_id, pass + 1, new_status, bool_or(new_status <> conf_status) over (),
        sex, is_total, value, is_region, is_additive, is_geo_additive,
        sex_pair_id, breakdown_group_id, totals_id, geography_id
    from (
        select
            *,
            case when rule_sex_pair or rule_breakdown_group or rule_geography then 'D' else conf_status end
                as new_status
        from (
            select
                *,
                -- (a) the other sex of a pair whose total is shown
                shown and sex in ('K', 'M')
                    and count(*) filter (where hidden and sex in ('K', 'M')) over (partition by sex_pair_id) = 1
                    and bool_or(sex = 'T' and shown) over (partition by sex_pair_id)
                    as rule_sex_pair,
                -- (b) the smallest other cell of a breakdown group whose total is shown
                is_additive and shown and not is_total
                    and count(*) filter (where hidden) over (partition by breakdown_group_id) = 1
                    and bool_or(is_total and shown) over (partition by totals_id)
                    and row_number() over (partition by breakdown_group_id
                                           order by shown desc, value = 0, abs(value), row_id) = 1
                    as rule_breakdown_group,
                -- (c) the smallest other municipal cell when the county (their sum) is shown
                is_geo_additive and shown and not is_region
                    and count(*) filter (where hidden and not is_region) over (partition by geography_id) = 1
                    and bool_or(is_region and shown) over (partition by geography_id)
                    and row_number() over (partition by geography_id, is_region
                                           order by shown desc, value = 0, abs(value), row_id) = 1
                    as rule_geography
            from (
                select *, conf_status in ('C', 'D') as hidden, conf_status = 'F' as shown
                from passes
                where changed and pass < 10
            )
        )
    )
),
stable as (
    select row_id, conf_status
    from passes
    qualify pass = max(pass) over ()
),
final as (
    select
        r.indicator_id,
        r.municipality_code,
        r.period,
        r.sex,
        r.breakdown,
        r.breakdown_value,
        r.value,
        r.unit,
        r.obs_status,
        r.note,
        r.source,
        r.updated_at,
        r.measure,
        r.numerator,
        r.denominator,
        r.persons,
        r.n_units,
        r.top_share,
        coalesce(s.conf_status, r.primary_status) as conf_status
    from primary_rule as r
    left join stable as s on s.row_id = r.row_id
)
select * from final;
comment on view export.disclosure is 'Every indicator value with its confidentiality status (CONF_STATUS F/C/D): primary rules of DESIGN §6 and iterated secondary suppression (sex pairs, breakdown groups, geography).';
comment on column export.disclosure.indicator_id is 'Indicator id.';
comment on column export.disclosure.municipality_code is 'Kommunkod or the region''s code.';
comment on column export.disclosure.period is 'Year or span of years.';
comment on column export.disclosure.sex is 'T, K or M.';
comment on column export.disclosure.breakdown is 'Disaggregation name.';
comment on column export.disclosure.breakdown_value is 'Disaggregation value.';
comment on column export.disclosure.value is 'Unsuppressed value (internal).';
comment on column export.disclosure.unit is 'Unit.';
comment on column export.disclosure.obs_status is 'SDMX OBS_STATUS.';
comment on column export.disclosure.note is 'Why the value is not A, in words.';
comment on column export.disclosure.source is 'Source.';
comment on column export.disclosure.updated_at is 'Date of the newest data.';
comment on column export.disclosure.measure is 'Kind of measure for the rules.';
comment on column export.disclosure.numerator is 'Numerator.';
comment on column export.disclosure.persons is 'Persons behind a person-based value.';
comment on column export.disclosure.denominator is 'Denominator.';
comment on column export.disclosure.n_units is 'Contributing enterprises.';
comment on column export.disclosure.top_share is 'Largest single contributor''s share.';
comment on column export.disclosure.conf_status is 'SDMX CONF_STATUS: F free, C primary suppression, D secondary suppression.';
