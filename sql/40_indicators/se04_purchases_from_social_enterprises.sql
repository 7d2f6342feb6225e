-- indicators.se04_purchases_from_social_enterprises (SE04): the municipality's net purchases (SEK
-- excl. VAT; credit notes negative) from social enterprises active in its register on the posting
-- date, in total and WISE / not WISE; and as a share (%) of all its supplier-ledger postings of the
-- year. Money is an enterprise aggregate: n_units = enterprises paid, top_share = the largest
-- enterprise's share of the gross (absolute) amounts, so the dominance rule can suppress it; the
-- share rows carry the same helpers so they are suppressed together with the sums. County rows sum
-- the municipalities (their largest enterprise is taken over the whole county). No ledger or no
-- register delivery = L; a share of a zero ledger total = M.
-- Grain: municipality_code, period, breakdown, breakdown_value, unit.
-- Sources: core.purchases (supplier ledger matched to core.enterprises).
-- Action plan AP2d; Agenda 2030 target 12.7 (proxy); motion questions Q1 and Q2.
create or replace view indicators.se04_purchases_from_social_enterprises as
with municipalities as (
    select code as municipality_code from meta.municipalities where not is_region
),
region as (
    select code as municipality_code from meta.municipalities where is_region
),
coverage as (
    select
        m.municipality_code,
        coalesce(inv.delivered, false) and coalesce(reg.delivered, false) as delivered
    from municipalities as m
    left join core.register_coverage as inv
      on inv.municipality_code = m.municipality_code and inv.dataset = 'supplier_invoices'
    left join core.register_coverage as reg
      on reg.municipality_code = m.municipality_code and reg.dataset = 'enterprises'
),
breakdowns as (
    select * from (values ('total', '_T'), ('wise', 'wise'), ('wise', 'not_wise')) as b(breakdown, breakdown_value)
),
per_enterprise as (
    -- net amount per enterprise, year and breakdown cell
    select
        p.municipality_code, p.year, b.breakdown, b.breakdown_value, p.org_nr,
        sum(p.amount_sek) as amount
    from core.purchases as p
    join breakdowns as b
      on b.breakdown = 'total'
      or (b.breakdown_value = 'wise' and p.is_wise)
      or (b.breakdown_value = 'not_wise' and not p.is_wise)
    where p.is_social_enterprise
    group by all
),
ledger_totals as (
    select municipality_code, year, sum(amount_sek) as all_payments
    from core.purchases
    group by all
),
cells as (
    select m.municipality_code, y.year, b.breakdown, b.breakdown_value
    from municipalities as m
    cross join core.calendar_years as y
    cross join breakdowns as b
),
municipal as (
    select
        c.municipality_code, c.year, c.breakdown, c.breakdown_value,
        cov.delivered,
        coalesce(sum(e.amount), 0) as amount,
        count(e.org_nr) as enterprises,
        max(abs(e.amount)) / nullif(sum(abs(e.amount)), 0) as top_share,
        coalesce(any_value(t.all_payments), 0) as all_payments
    from cells as c
    join coverage as cov on cov.municipality_code = c.municipality_code
    left join per_enterprise as e
      on e.municipality_code = c.municipality_code and e.year = c.year
     and e.breakdown = c.breakdown and e.breakdown_value = c.breakdown_value
    left join ledger_totals as t on t.municipality_code = c.municipality_code and t.year = c.year
    group by all
),
county_top as (
    select
        e.year, e.breakdown, e.breakdown_value,
        max(abs(e.amount)) / nullif(sum(abs(e.amount)), 0) as top_share
    from per_enterprise as e
    join coverage as cov on cov.municipality_code = e.municipality_code and cov.delivered
    group by all
),
county as (
    select
        (select municipality_code from region) as municipality_code,
        m.year, m.breakdown, m.breakdown_value,
        bool_or(m.delivered) as delivered,
        sum(m.amount) filter (where m.delivered) as amount,
        sum(m.enterprises) filter (where m.delivered) as enterprises,
        any_value(t.top_share) as top_share,
        sum(m.all_payments) filter (where m.delivered) as all_payments
    from municipal as m
    left join county_top as t
      on t.year = m.year and t.breakdown = m.breakdown and t.breakdown_value = m.breakdown_value
    group by m.year, m.breakdown, m.breakdown_value
),
both_levels as (
    select * from municipal
    union all by name
    select * from county
),
sums as (
    select
        'SE04' as indicator_id, municipality_code, cast(year as varchar) as period, 'T' as sex,
        breakdown, breakdown_value,
        case when delivered then cast(amount as double) end as value,
        'SEK' as unit,
        case when delivered then 'A' else 'L' end as obs_status,
        'supplier ledger; municipal register' as source,
        'money' as measure,
        case when delivered then cast(amount as double) end as numerator,
        cast(null as double) as denominator,
        cast(case when delivered then enterprises end as bigint) as n_units,
        case when delivered then cast(top_share as double) end as top_share
    from both_levels
),
shares as (
    select
        'SE04' as indicator_id, municipality_code, cast(year as varchar) as period, 'T' as sex,
        breakdown, breakdown_value,
        case when delivered and all_payments <> 0 then cast(100.0 * amount / all_payments as double) end as value,
        '%' as unit,
        case when not delivered then 'L' when all_payments = 0 then 'M' else 'A' end as obs_status,
        'supplier ledger; municipal register' as source,
        'money' as measure,
        case when delivered then cast(amount as double) end as numerator,
        case when delivered then cast(all_payments as double) end as denominator,
        cast(case when delivered then enterprises end as bigint) as n_units,
        case when delivered then cast(top_share as double) end as top_share
    from both_levels
),
final as (
    select * from sums
    union all
    select * from shares
)
select * from final;
comment on view indicators.se04_purchases_from_social_enterprises is 'SE04 Net purchases (SEK) from active registered social enterprises, and their share of all supplier postings, per municipality and year; county rows summed.';
comment on column indicators.se04_purchases_from_social_enterprises.indicator_id is 'Indicator id (SE04).';
comment on column indicators.se04_purchases_from_social_enterprises.municipality_code is 'Kommunkod, or the region''s code for county rows.';
comment on column indicators.se04_purchases_from_social_enterprises.period is 'Calendar year of the posting date.';
comment on column indicators.se04_purchases_from_social_enterprises.sex is 'T: not person-based.';
comment on column indicators.se04_purchases_from_social_enterprises.breakdown is 'total, or wise.';
comment on column indicators.se04_purchases_from_social_enterprises.breakdown_value is '_T; wise or not_wise.';
comment on column indicators.se04_purchases_from_social_enterprises.value is 'Net SEK excl. VAT paid to social enterprises, or that as a percentage of all supplier postings.';
comment on column indicators.se04_purchases_from_social_enterprises.unit is 'SEK or %.';
comment on column indicators.se04_purchases_from_social_enterprises.obs_status is 'A normal; L ledger or register not delivered; M share of a zero ledger total.';
comment on column indicators.se04_purchases_from_social_enterprises.source is 'Where the figure comes from.';
comment on column indicators.se04_purchases_from_social_enterprises.measure is 'money: enterprise aggregate, subject to the minimum-enterprises and dominance rules.';
comment on column indicators.se04_purchases_from_social_enterprises.numerator is 'Net SEK paid to social enterprises.';
comment on column indicators.se04_purchases_from_social_enterprises.denominator is 'Net SEK of all supplier postings of the year (share rows only).';
comment on column indicators.se04_purchases_from_social_enterprises.n_units is 'Social enterprises with postings in the cell.';
comment on column indicators.se04_purchases_from_social_enterprises.top_share is 'Largest enterprise''s share of the gross amounts in the cell (dominance rule).';
