-- indicators.se04_purchases_from_social_enterprises (SE04): the municipality's net purchases (SEK
-- excl. VAT; credit notes negative) from social enterprises active in its register on the posting
-- date, in total and WISE / not WISE; and as a share (%) of all its supplier-ledger postings of the
-- year. Money is an enterprise aggregate: each enterprise's net amount is its contribution, from
-- which all_values counts the enterprises paid (n_units) and the largest one's share (top_share,
-- over gross amounts) for the dominance rule; the share rows carry the same, so they are suppressed
-- with the sums. Coverage: a ledger without identifiable suppliers (no org nr, no reviewed
-- crosswalk) is L, never 0 (core.coverage). Municipal cells only; all_values makes the county rows
-- (an enterprise paid by two municipalities is one contributor).
-- Grain: municipality_code, period, breakdown, breakdown_value, unit.
-- Sources: core.purchase_totals (core.purchases: the supplier ledger matched to core.enterprises).
-- Action plan AP2d; Agenda 2030 target 12.7 (proxy); motion questions Q1 and Q2.
-- column comments from indicators.municipal_cells
create or replace view indicators.se04_purchases_from_social_enterprises as
with per_enterprise as (
    select municipality_code, year, org_nr, any_value(is_wise) as is_wise, sum(amount_sek) as amount
    from core.purchase_totals
    where is_social_enterprise
    group by municipality_code, year, org_nr
),
ledger as (
    select municipality_code, year, sum(amount_sek) as all_payments
    from core.purchase_totals
    group by all
),
counted as (
    select g.municipality_code, g.year, b.breakdown, b.breakdown_value,
           coalesce(sum(e.amount), 0) as amount,
           list(core.contribution(e.org_nr, e.amount, null, null)) filter (where e.org_nr is not null) as contributors
    from core.municipality_years as g
    cross join (values ('total', '_T'), ('wise', 'wise'), ('wise', 'not_wise')) as b(breakdown, breakdown_value)
    left join per_enterprise as e
      on e.municipality_code = g.municipality_code and e.year = g.year
     and (b.breakdown = 'total' or (b.breakdown_value = 'wise') = e.is_wise)
    group by all
),
final as (
    select
        'SE04' as indicator_id, c.municipality_code, c.year, cast(c.year as varchar) as period, 'T' as sex,
        c.breakdown, c.breakdown_value, u.unit, 'money' as measure,
        cast(c.amount as double) as numerator,
        case when u.share then cast(coalesce(l.all_payments, 0) as double) end as denominator,
        cast(null as double) as persons,
        case when u.share then 100.0 end as scale,
        'sum' as numerator_rollup, case when u.share then 'sum' end as denominator_rollup,
        coalesce(c.contributors, []) as contributors, false as provisional,
        'supplier ledger; municipal register' as source
    from counted as c
    cross join (values ('SEK', false), ('%', true)) as u(unit, share)
    left join ledger as l on l.municipality_code = c.municipality_code and l.year = c.year
)
select * from final;
comment on view indicators.se04_purchases_from_social_enterprises is 'SE04 Net purchases (SEK) from active registered social enterprises, and their share of all supplier postings, per municipality and year (municipal cells; all_values adds coverage and county rows).';
