-- indicators.se05_social_enterprises_as_suppliers (SE05): distinct social enterprises (active in the
-- register on the posting date) the municipality paid more than 0 SEK net in the year, in total and
-- WISE / not WISE. Coverage as SE04 (no identifiable suppliers = L). Municipal cells only;
-- all_values makes the county rows (an enterprise paid by two municipalities counts once).
-- Grain: municipality_code, period, breakdown, breakdown_value.
-- Sources: core.purchase_totals (core.purchases: the supplier ledger matched to core.enterprises).
-- Action plan AP2d; Agenda 2030 target 12.7 (proxy); motion question Q1.
-- column comments from indicators.municipal_cells
create or replace view indicators.se05_social_enterprises_as_suppliers as
with paid as (
    -- enterprises with a positive net amount in the year (credit notes netted off)
    select municipality_code, year, org_nr, any_value(is_wise) as is_wise
    from core.purchase_totals
    where is_social_enterprise
    group by municipality_code, year, org_nr
    having sum(amount_sek) > 0
),
counted as (
    select g.municipality_code, g.year, b.breakdown, b.breakdown_value,
           list(core.contribution(p.org_nr, 1, null, null)) filter (where p.org_nr is not null) as contributors
    from core.municipality_years as g
    cross join (values ('total', '_T'), ('wise', 'wise'), ('wise', 'not_wise')) as b(breakdown, breakdown_value)
    left join paid as p
      on p.municipality_code = g.municipality_code and p.year = g.year
     and (b.breakdown = 'total' or (b.breakdown_value = 'wise') = p.is_wise)
    group by all
),
final as (
    select
        'SE05' as indicator_id, municipality_code, year, cast(year as varchar) as period, 'T' as sex,
        breakdown, breakdown_value, 'count' as unit, 'count_enterprises' as measure,
        cast(coalesce(len(contributors), 0) as double) as numerator,
        cast(null as double) as denominator, cast(null as double) as persons, cast(null as double) as scale,
        'distinct' as numerator_rollup, cast(null as varchar) as denominator_rollup,
        coalesce(contributors, []) as contributors, false as provisional,
        'supplier ledger; municipal register' as source
    from counted
)
select * from final;
comment on view indicators.se05_social_enterprises_as_suppliers is 'SE05 Social enterprises paid more than 0 SEK net by the municipality in the year (municipal cells; all_values adds coverage and county rows).';
