-- core.purchase_totals: core.purchases summed per municipality, year, supplier and ledger account:
-- what the indicators, the coverage, the cooperation timeline and the report need from the ledger,
-- in about an eighth of its rows. The unidentified suppliers keep their delivered name and ledger
-- supplier number (for the crosswalk proposals); identified ones are summed over names.
-- Materialised once per run: classifying every posting (regular expressions, the crosswalk and the
-- register joins) is the costliest step of the transform, and six objects read the result; a table
-- of sums is cheaper to write than one of postings. Sums are exact (decimal); credit notes netted.
-- Grain: municipality_code, year, supplier_org_nr, org_nr, is_wise, supplier_kind, account,
-- supplier_name and supplier_internal_id (the last two only when supplier_org_nr is NULL).
-- Sources: core.purchases.
-- Serves SE04, SE05 and the ledger's coverage (action plan AP2d; Agenda 2030 target 12.7, proxy).
create or replace table core.purchase_totals as
with final as (
    select
        municipality_code,
        year,
        supplier_org_nr,
        org_nr,
        is_social_enterprise,
        is_wise,
        supplier_kind,
        account,
        case when supplier_org_nr is null then supplier_name end as supplier_name,
        case when supplier_org_nr is null then supplier_internal_id end as supplier_internal_id,
        count(*) as postings,
        sum(amount_sek) as amount_sek,
        min(posting_date) as first_posting,
        max(posting_date) as last_posting
    from core.purchases
    group by all
)
select * from final;
comment on table core.purchase_totals is 'Ledger postings summed per municipality, year, supplier and account (the unidentified suppliers by delivered name and number): what the indicators and the report read.';
comment on column core.purchase_totals.municipality_code is 'Kommunkod of the buying municipality.';
comment on column core.purchase_totals.year is 'Year of the posting dates.';
comment on column core.purchase_totals.supplier_org_nr is 'Supplier organisation number (ten digits), from the delivered id or the crosswalk; NULL when unidentified.';
comment on column core.purchase_totals.org_nr is 'The social enterprise paid (in the municipality''s register on the posting date); NULL otherwise.';
comment on column core.purchase_totals.is_social_enterprise is 'True when the postings went to an enterprise in the register on their dates.';
comment on column core.purchase_totals.is_wise is 'The enterprise is a work-integrating social enterprise (WISE); NULL when not an enterprise.';
comment on column core.purchase_totals.supplier_kind is 'orgnr, pseudonym (sole trader), blank, invalid, or the ledger''s own id kind (see core.purchases).';
comment on column core.purchase_totals.account is 'Ledger account (konto_nr) as delivered.';
comment on column core.purchase_totals.supplier_name is 'Supplier name as delivered, for unidentified suppliers only (NULL when supplier_org_nr is known).';
comment on column core.purchase_totals.supplier_internal_id is 'The ledger''s own supplier number, for unidentified suppliers only.';
comment on column core.purchase_totals.postings is 'Number of postings summed.';
comment on column core.purchase_totals.amount_sek is 'Net amount, SEK (exact decimal sum; credit notes negative).';
comment on column core.purchase_totals.first_posting is 'First posting date in the group.';
comment on column core.purchase_totals.last_posting is 'Last posting date in the group.';
