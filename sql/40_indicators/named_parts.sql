-- indicators.named_parts: the part of an indicator cell that anyone knows because the council report
-- prints it by name, and what remains for the other enterprises. The report follows each cooperating
-- enterprise (core.cooperating_enterprises) with its agreements, grants and yearly purchases (public records),
-- its placements (person counts under disclosure control) and its own annual-report figures
-- (turnover and revenue, public; employees and participants, person counts), so in that
-- municipality's cells of the same measures -- SE04, SE08 and SE09 in SEK, SE11's revenue shares, SE12's
-- and SE13's persons, SE14's totals of persons and days -- the enterprise's part can be subtracted.
-- Disclosure control (flows/outputs/disclosure/published.py) models each such cell as named parts +
-- others, and applies the primary rules to the others: a published total that is the named
-- enterprise plus one or two more would let either work out the other's figure. SE11 is a share of
-- sums: its remainder is not linear, so there the rules on the others decide the cell itself.
-- The county's cells get the same: its named parts are those of its municipalities.
-- Grain: indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit, role, org_nr,
-- part_municipality (role named: one row per named enterprise and municipality in the cell; role others:
-- one row, org_nr NULL).
-- Sources: indicators.municipal_cells, indicators.all_values, core.cooperating_enterprises, meta.municipalities.
-- Action plan AP1 (statistics that can be shared), AP3 (cooperation); Agenda 2030: all targets (proxies).
create or replace view indicators.named_parts as
with printed(indicator_id, unit, only_sex, only_breakdown) as (
    values ('SE04', 'SEK', null, null), ('SE08', 'SEK', null, null), ('SE09', 'SEK', null, null),
           ('SE11', '%', null, null),
           ('SE12', 'persons', 'T', 'total'), ('SE13', 'persons', 'T', 'total'),
           ('SE14', 'persons', 'T', 'total'), ('SE14', 'days', 'T', 'total')
),
region as (
    select code as region_code from meta.municipalities where is_region
),
parts as (
    -- one row per enterprise of a covered municipal cell of a printed measure (an enterprise may be
    -- listed twice in a cell)
    select c.indicator_id, c.municipality_code, c.period, c.sex, c.breakdown, c.breakdown_value, c.unit,
           x.org_nr, n.org_nr is not null as is_named,
           sum(x.numerator) as part, sum(x.denominator) as part_denominator, sum(x.persons) as persons
    from indicators.municipal_cells as c
    join printed as p
      on p.indicator_id = c.indicator_id and p.unit = c.unit
     and (p.only_sex is null or c.sex = p.only_sex) and (p.only_breakdown is null or c.breakdown = p.only_breakdown)
    join indicators.all_values as v
      on v.indicator_id = c.indicator_id and v.municipality_code = c.municipality_code and v.period = c.period
     and v.sex = c.sex and v.breakdown = c.breakdown and v.breakdown_value = c.breakdown_value and v.unit = c.unit
    cross join unnest(c.contributors) as t(x)
    left join core.cooperating_enterprises as n
      on n.municipality_code = c.municipality_code and n.org_nr = x.org_nr
    where v.value is not null
    group by all
),
placed as (
    -- each part in its municipality's cell and in the county's (the county sums the covered ones)
    select *, municipality_code as part_municipality from parts
    union all
    select p.* replace (r.region_code as municipality_code), p.municipality_code as part_municipality
    from parts as p
    cross join region as r
),
with_named as (
    select distinct indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit
    from placed
    where is_named
),
others_by_org as (
    select p.indicator_id, p.municipality_code, p.period, p.sex, p.breakdown, p.breakdown_value, p.unit, p.org_nr,
           sum(p.part) as part, sum(p.part_denominator) as part_denominator, sum(p.persons) as persons
    from placed as p
    join with_named using (indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit)
    where not p.is_named
    group by all
),
final as (
    select indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit,
           'named' as role, org_nr, part_municipality, part as value, persons,
           cast(null as bigint) as n_units, cast(null as double) as top_share
    from placed
    where is_named
    union all
    select w.indicator_id, w.municipality_code, w.period, w.sex, w.breakdown, w.breakdown_value, w.unit,
           'others', null, null, coalesce(sum(o.part), 0), coalesce(sum(o.persons), 0),
           count(o.org_nr) filter (where o.part <> 0),
           -- a share's dominance sees either sum (as in indicators.all_values)
           greatest(max(abs(o.part)) / nullif(sum(abs(o.part)), 0),
                    max(abs(o.part_denominator)) / nullif(sum(abs(o.part_denominator)), 0))
    from with_named as w
    left join others_by_org as o using (indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit)
    group by all
)
select * from final;
comment on view indicators.named_parts is 'Cells of SE04/SE08/SE09 (SEK), SE11 (%), SE12/SE13 (persons, T) and SE14 (totals) with a named cooperating enterprise: its printed part, and the other enterprises'' remainder with the helpers of the primary rules.';
comment on column indicators.named_parts.indicator_id is 'Indicator id.';
comment on column indicators.named_parts.municipality_code is 'Kommunkod.';
comment on column indicators.named_parts.period is 'Calendar year.';
comment on column indicators.named_parts.sex is 'T total, K women, M men.';
comment on column indicators.named_parts.breakdown is 'Name of the disaggregation (total when none).';
comment on column indicators.named_parts.breakdown_value is 'Value of the disaggregation (_T for the total).';
comment on column indicators.named_parts.unit is 'SEK, persons or days.';
comment on column indicators.named_parts.role is 'named: a cooperating enterprise the report prints by name; others: every other enterprise of the cell together.';
comment on column indicators.named_parts.org_nr is 'Organisation number of the named enterprise; NULL for others.';
comment on column indicators.named_parts.part_municipality is 'named: the municipality whose report prints the part (for a county cell, one of its municipalities).';
comment on column indicators.named_parts.value is 'The part of the cell (SEK, persons or days; for SE11 the revenue in the numerator).';
comment on column indicators.named_parts.persons is 'The persons behind the part (SE14), for the 1-4 rule.';
comment on column indicators.named_parts.n_units is 'others: how many enterprises have a non-zero part (the minimum-enterprises rule).';
comment on column indicators.named_parts.top_share is 'others: the largest enterprise''s share of their sum of absolute parts (the dominance rule).';
