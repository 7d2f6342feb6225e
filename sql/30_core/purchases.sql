-- core.purchases: every current supplier-ledger posting, with the social enterprise it was paid to.
-- A posting is matched when its supplier id, normalised to ten digits (spaces, dashes and a 16
-- century prefix removed), is a social enterprise in the buying municipality's register that was
-- active on the posting date (valid_from <= date < valid_to). A blank id, a pseudonym ('pnr:...',
-- a sole trader's personal identity number replaced by a keyed hash) or an id the reader classed as
-- masked/internal/invalid is never an enterprise. Credit notes stay negative, so sums are net.
-- Grain: one posting (_file_id, _row_number). Sources: staging.supplier_invoices, core.enterprises.
-- Serves SE04, SE05 (action plan AP2d; Agenda 2030 target 12.7, proxy).
create or replace view core.purchases as
with files as (
    select file_id, municipality_code from meta.files
),
postings as (
    select
        s.*,
        coalesce(f.municipality_code, s.kommun_id) as buyer_municipality_code,
        nullif(trim(s.leverantor_id), '') as supplier_raw
    from staging.supplier_invoices as s
    left join files as f on f.file_id = s._file_id
),
normalised as (
    select
        *,
        regexp_replace(coalesce(supplier_raw, ''), '[\s+\-]', '', 'g') as supplier_digits
    from postings
),
classified as (
    select
        *,
        case
            when supplier_raw is null then 'blank'
            when supplier_raw like 'pnr:%' then 'pseudonym'
            when leverantor_id_kind is not null and leverantor_id_kind <> 'orgnr' then leverantor_id_kind
            when regexp_full_match(supplier_digits, '16\d{10}') then 'orgnr'
            when regexp_full_match(supplier_digits, '\d{10}') then 'orgnr'
            else 'invalid'
        end as supplier_kind,
        case
            when regexp_full_match(supplier_digits, '16\d{10}') then substr(supplier_digits, 3)
            else supplier_digits
        end as supplier_ten_digits
    from normalised
),
matched as (
    select
        c.*,
        e.org_nr as enterprise_org_nr,
        e.is_wise
    from classified as c
    left join core.enterprises as e
      on c.supplier_kind = 'orgnr'
     and e.municipality_code = c.buyer_municipality_code
     and e.org_nr = c.supplier_ten_digits
     and e.valid_from <= c.bokforingsdatum
     and (e.valid_to is null or c.bokforingsdatum < e.valid_to)
),
final as (
    select
        buyer_municipality_code as municipality_code,
        cast(year(bokforingsdatum) as integer) as year,
        bokforingsdatum as posting_date,
        leverantor as supplier_name,
        case when supplier_kind = 'orgnr' then supplier_ten_digits end as supplier_org_nr,
        supplier_kind,
        cast(nettobelopp as decimal(18, 2)) as amount_sek,
        nettobelopp < 0 as is_credit_note,
        konto_nr as account,
        forvaltning as administration,
        enterprise_org_nr as org_nr,
        enterprise_org_nr is not null as is_social_enterprise,
        is_wise,
        _file_id,
        _row_number
    from matched
)
select * from final;
comment on view core.purchases is 'Every current supplier-ledger posting with the social enterprise it was paid to (matched by org nr, active on the posting date); credit notes negative.';
comment on column core.purchases.municipality_code is 'Kommunkod of the buying municipality (the delivering inbox, else kommun_id).';
comment on column core.purchases.year is 'Year of the posting date.';
comment on column core.purchases.posting_date is 'Posting date (bokföringsdatum).';
comment on column core.purchases.supplier_name is 'Supplier name as delivered.';
comment on column core.purchases.supplier_org_nr is 'Supplier organisation number normalised to ten digits; NULL when the id is not an organisation number.';
comment on column core.purchases.supplier_kind is 'What the supplier id is: orgnr, pseudonym (sole trader, hashed), blank, masked, internal or invalid.';
comment on column core.purchases.amount_sek is 'Net amount in SEK excluding VAT; negative for credit notes.';
comment on column core.purchases.is_credit_note is 'True for negative postings (credit notes, corrections).';
comment on column core.purchases.account is 'Account number (Kommun-Bas).';
comment on column core.purchases.administration is 'Administration (förvaltning) that made the purchase.';
comment on column core.purchases.org_nr is 'Organisation number of the matched social enterprise; NULL when the supplier is not one (on that date).';
comment on column core.purchases.is_social_enterprise is 'True when the supplier was an active social enterprise in the municipality''s register on the posting date.';
comment on column core.purchases.is_wise is 'The matched enterprise meets the WISE criteria; NULL when not matched.';
comment on column core.purchases._file_id is 'Delivered ledger file (meta.files.file_id).';
comment on column core.purchases._row_number is 'Row number in that file.';
