-- export.report_purchases_by_account: the municipality's payments to each enterprise the report
-- follows by name, per year and ledger account, for the years whose ledger was delivered and
-- matched: the split of the yearly purchases question 2 prints, so they can be set beside the
-- agreements (each agreement names the account its payments are booked on). The municipality's
-- payments to a named supplier are public records (docs/disclosure.md §4); the account, delivered
-- text, passes through export.public_text.
-- Grain: municipality_code, org_nr, year, konto_nr.
-- Sources: core.purchase_totals, core.cooperating_enterprises, core.coverage, export.public_text.
-- Action plan AP2d; Agenda 2030 target 12.7 (proxy).
create or replace view export.report_purchases_by_account as
with delivered as (
    select municipality_code, year
    from core.coverage
    where dataset in ('supplier_invoices', 'supplier_matching')
    group by all
    having bool_and(obs_status <> 'L')
),
final as (
    select p.municipality_code, p.supplier_org_nr as org_nr, p.year, export.public_text(p.account, null) as konto_nr,
           sum(p.amount_sek) as amount_sek
    from core.purchase_totals as p
    join core.cooperating_enterprises as c
      on c.municipality_code = p.municipality_code and c.org_nr = p.supplier_org_nr
    join delivered as d on d.municipality_code = p.municipality_code and d.year = p.year
    group by all
)
select * from final;
comment on view export.report_purchases_by_account is 'Payments to each enterprise the report names, per year and ledger account (years with a delivered, matched ledger).';
comment on column export.report_purchases_by_account.municipality_code is 'Kommunkod of the paying municipality.';
comment on column export.report_purchases_by_account.org_nr is 'Organisation number of the named enterprise.';
comment on column export.report_purchases_by_account.year is 'Year of the postings.';
comment on column export.report_purchases_by_account.konto_nr is 'Ledger account (text).';
comment on column export.report_purchases_by_account.amount_sek is 'Net amount, SEK (credit notes netted).';
