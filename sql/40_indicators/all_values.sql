-- indicators.all_values: every indicator value in one long format (DESIGN §5), unsuppressed, with the
-- helper columns disclosure control needs. Internal: analysts with access see true values here; what
-- leaves the warehouse goes through export.indicator_values.
-- The shared layer of the indicators, so no indicator view repeats it:
--   coverage: a municipal cell is a measured value (A) only when the deliveries it is computed from
--     were delivered, read and matched for its year (core.indicator_coverage); L when not (value
--     NULL, never 0), P when they are partial or lost quarantined rows, with a note saying so;
--   value: the numerator, or scale * numerator / denominator; a rate over nothing is NULL with M;
--     a rate whose denominator is unknown (no population) is L;
--   county rows (the region's code): over the covered municipalities, by each cell's rollup rule:
--     sum (each municipality's own money or persons), distinct (an organisation in two municipalities'
--     registers counts once), org_once (an enterprise's reported figure once); the money rule's
--     contributors (n_units) and the largest one's share (top_share) are counted per organisation
--     across the county. A county row over some municipalities only is P and says how many;
--   context indicators (SE16-SE20) pass through as Kolada publishes them (their own county value).
-- Materialised once per run: every export view and report reads it several times.
-- Grain: indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit.
-- Sources: indicators.municipal_cells, core.indicator_coverage, the views SE16-SE20, core.data_as_of.
-- Action plan: all areas (AP1 statistics); Agenda 2030: see meta.indicator_catalogue.
create or replace table indicators.all_values as
with region as (
    select code as region_code from meta.municipalities where is_region
),
coverage as (
    select indicator_id, municipality_code, year, obs_status, note from core.indicator_coverage
    union all
    -- a cell over every reporting year (a pooled cohort) needs every year's deliveries
    select indicator_id, municipality_code, null as year,
           case when bool_or(obs_status = 'L') then 'L' when bool_or(obs_status = 'P') then 'P' else 'A' end,
           string_agg(distinct note, '; ' order by note) filter (where note is not null)
    from core.indicator_coverage
    group by all
),
coverage_counts as (
    -- how many municipalities an indicator's county figure for a year stands on (a data-driven
    -- breakdown, such as a legal form, has cells only where it occurs: the others count as zero)
    select indicator_id, year, count(*) as municipalities,
           count(*) filter (where obs_status <> 'L') as covered,
           count(*) filter (where obs_status = 'P') as provisional_municipalities
    from coverage
    group by all
),
cells as (
    select c.*, coalesce(v.obs_status, 'L') as coverage_status, v.note as coverage_note
    from indicators.municipal_cells as c
    left join coverage as v
      on v.indicator_id = c.indicator_id and v.municipality_code = c.municipality_code
     and v.year is not distinct from c.year
),
contributions as (
    -- each covered cell's enterprises, one row per enterprise (an enterprise may be listed twice)
    select c.indicator_id, c.municipality_code, c.period, c.sex, c.breakdown, c.breakdown_value, c.unit,
           x.org_nr, sum(x.numerator) as numerator, sum(x.denominator) as denominator, sum(x.persons) as persons
    from cells as c, unnest(c.contributors) as t(x)
    where c.coverage_status <> 'L'
    group by all
),
municipal_helpers as (
    select indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit,
           count(distinct org_nr) filter (where numerator <> 0) as n_units,
           greatest(max(abs(numerator)) / nullif(sum(abs(numerator)), 0),
                    max(abs(denominator)) / nullif(sum(abs(denominator)), 0)) as top_share
    from contributions
    group by all
),
municipal as (
    select c.indicator_id, c.municipality_code, c.year, c.period, c.sex, c.breakdown, c.breakdown_value, c.unit,
           c.measure, c.scale, c.provisional, c.source, c.coverage_status, c.coverage_note,
           c.numerator, c.denominator,
           case when c.measure in ('count_persons', 'rate_persons') then coalesce(c.persons, c.numerator) end as persons,
           case when c.contributors is not null then coalesce(h.n_units, 0) end as n_units, h.top_share
    from cells as c
    left join municipal_helpers as h using (indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit)
),
county_orgs as (
    -- per organisation across the county: its summed parts, and its part counted once
    select indicator_id, period, sex, breakdown, breakdown_value, unit, org_nr,
           sum(numerator) as numerator_sum, max(numerator) as numerator_once,
           sum(denominator) as denominator_sum, max(denominator) as denominator_once,
           sum(persons) as persons_sum, max(persons) as persons_once
    from contributions
    group by all
),
county_org_totals as (
    select o.indicator_id, o.period, o.sex, o.breakdown, o.breakdown_value, o.unit,
           count(distinct o.org_nr) filter (where o.numerator_sum > 0) as orgs_in_numerator,
           count(distinct o.org_nr) filter (where o.denominator_sum > 0) as orgs_in_denominator,
           count(distinct o.org_nr) filter (where o.numerator_sum <> 0) as n_units,
           sum(o.numerator_once) as numerator_once, sum(o.denominator_once) as denominator_once,
           sum(o.persons_once) as persons_once,
           max(abs(o.numerator_sum)) / nullif(sum(abs(o.numerator_sum)), 0) as top_numerator_sum,
           max(abs(o.numerator_once)) / nullif(sum(abs(o.numerator_once)), 0) as top_numerator_once,
           max(abs(o.denominator_once)) / nullif(sum(abs(o.denominator_once)), 0) as top_denominator_once
    from county_orgs as o
    group by all
),
county_cells as (
    select indicator_id, year, period, sex, breakdown, breakdown_value, unit, measure, scale, source,
           any_value(numerator_rollup) as numerator_rollup, any_value(denominator_rollup) as denominator_rollup,
           bool_or(provisional) as provisional,
           bool_or(contributors is not null) as has_contributors,
           -- a sum over the covered municipalities is unknown when one of their figures is
           case when count(*) filter (where coverage_status <> 'L' and numerator is null) = 0
                then sum(numerator) filter (where coverage_status <> 'L') end as numerator_sum,
           case when count(*) filter (where coverage_status <> 'L' and denominator is null) = 0
                then sum(denominator) filter (where coverage_status <> 'L') end as denominator_sum,
           sum(case when measure in ('count_persons', 'rate_persons') then coalesce(persons, numerator) end)
               filter (where coverage_status <> 'L') as persons_sum
    from cells
    group by indicator_id, year, period, sex, breakdown, breakdown_value, unit, measure, scale, source
),
county as (
    select
        k.indicator_id, r.region_code as municipality_code, k.year, k.period, k.sex, k.breakdown,
        k.breakdown_value, k.unit, k.measure, k.scale, k.provisional, k.source,
        case when k.covered = 0 then 'L'
             when k.covered < k.municipalities or k.provisional_municipalities > 0 then 'P'
             else 'A' end as coverage_status,
        case when k.covered > 0 and k.covered < k.municipalities
                  then 'länet: ' || k.covered || ' av ' || k.municipalities || ' kommuner ingår'
             when k.provisional_municipalities > 0
                  then 'länet: uppgifterna från ' || k.provisional_municipalities || ' kommun'
                       || case when k.provisional_municipalities = 1 then ' är' else 'er är' end || ' preliminära'
        end as coverage_note,
        case k.numerator_rollup
            when 'sum' then k.numerator_sum
            when 'distinct' then coalesce(t.orgs_in_numerator, 0)
            when 'org_once' then coalesce(t.numerator_once, 0)
        end as numerator,
        case k.denominator_rollup
            when 'sum' then k.denominator_sum
            when 'distinct' then coalesce(t.orgs_in_denominator, 0)
            when 'org_once' then coalesce(t.denominator_once, 0)
        end as denominator,
        case k.numerator_rollup when 'org_once' then coalesce(t.persons_once, 0) else k.persons_sum end as persons,
        case when k.has_contributors then coalesce(t.n_units, 0) end as n_units,
        case k.numerator_rollup
            when 'org_once' then greatest(t.top_numerator_once, t.top_denominator_once)
            else t.top_numerator_sum
        end as top_share
    from (select k.*, c.municipalities, c.covered, c.provisional_municipalities
          from county_cells as k
          join coverage_counts as c on c.indicator_id = k.indicator_id and c.year is not distinct from k.year) as k
    cross join region as r
    left join county_org_totals as t using (indicator_id, period, sex, breakdown, breakdown_value, unit)
),
own_data as (
    select * exclude (year) from municipal
    union all by name
    select * exclude (year) from county
),
valued as (
    select
        indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit, measure, source,
        case
            when coverage_status = 'L' then null
            when scale is null then numerator::double
            when denominator is null or denominator = 0 then null
            else scale * numerator::double / denominator::double
        end as value,
        case
            when coverage_status = 'L' or numerator is null then 'L'
            when scale is not null and denominator is null then 'L'
            when scale is not null and denominator = 0 then 'M'
            when coverage_status = 'P' or provisional then 'P'
            else 'A'
        end as obs_status,
        case when coverage_status <> 'A' then coverage_note end as note,
        case when coverage_status <> 'L' then numerator::double end as numerator,
        case when coverage_status <> 'L' then denominator::double end as denominator,
        case when coverage_status <> 'L' then persons::double end as persons,
        case when coverage_status <> 'L' then n_units end as n_units,
        case when coverage_status <> 'L' then top_share end as top_share
    from own_data
),
context as (
    select indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit, measure, source,
           value, obs_status, cast(null as varchar) as note, numerator, denominator, cast(null as double) as persons,
           n_units, top_share
    from core.kolada_context
),
final as (
    select *, (select as_of from core.data_as_of) as updated_at
    from (select * from valued union all by name select * from context)
    order by indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit
)
select * from final;
comment on table indicators.all_values is 'All indicator values in the long format, unsuppressed: coverage applied (L never 0), county rows rolled up, with the helper columns for disclosure control.';
comment on column indicators.all_values.indicator_id is 'Indicator id (SE01-SE20), see meta.indicator_catalogue.';
comment on column indicators.all_values.municipality_code is 'Kommunkod, or the region''s code (0018) for county rows.';
comment on column indicators.all_values.period is 'Calendar year, or a span of years (YYYY-YYYY) for multi-year cohorts.';
comment on column indicators.all_values.sex is 'T total, K women, M men.';
comment on column indicators.all_values.breakdown is 'Name of the disaggregation (total when none).';
comment on column indicators.all_values.breakdown_value is 'Value of the disaggregation (_T for the total).';
comment on column indicators.all_values.unit is 'Unit of the value (count, SEK, %, per 10 000 inhabitants ...).';
comment on column indicators.all_values.measure is 'Kind of measure for disclosure control: count_persons (person counts), rate_persons (rates over persons), money (SEK enterprise aggregates; procurement estimates carry no n_units), count_enterprises (non-person counts), rate (non-person rates), context (published statistics, never suppressed).';
comment on column indicators.all_values.source is 'Source of the figure.';
comment on column indicators.all_values.value is 'The unsuppressed value; NULL when missing (see obs_status).';
comment on column indicators.all_values.obs_status is 'SDMX OBS_STATUS: A measured, P provisional (a delivery partial or with quarantined rows, a county over some municipalities, a provisional source), L missing: not delivered, rejected or unmatched, M missing: cannot exist (a share of nothing).';
comment on column indicators.all_values.note is 'Why a value is not A (P or L), in Swedish: which delivery is missing, partial or lost rows; NULL for A.';
comment on column indicators.all_values.numerator is 'The count or sum behind the value (the value itself for counts and sums); NULL when missing.';
comment on column indicators.all_values.denominator is 'Denominator of a rate.';
comment on column indicators.all_values.persons is 'Persons behind a person-based value (for FTE and days the persons, not the value).';
comment on column indicators.all_values.n_units is 'Number of enterprises contributing (for the money rules); NULL where the value is not an enterprise aggregate.';
comment on column indicators.all_values.top_share is 'Share of the total from the largest single enterprise (dominance rule).';
comment on column indicators.all_values.updated_at is 'Date of the newest data behind the warehouse.';
