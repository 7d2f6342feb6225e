-- core.purchases: every current supplier-ledger posting, with the organisation it was paid to and
-- whether that was a social enterprise. The supplier's organisation number is its id when the id is
-- one (normalised to ten digits: spaces, dashes and a 16 century prefix removed); else, for a ledger
-- that carries its own supplier numbers or none, the municipality's reviewed supplier crosswalk gives
-- it, by the ledger's supplier number or by the supplier's name (core.supplier_name_key). A posting is
-- a social enterprise's when that organisation is in the buying municipality's register and was
-- active on the posting date (valid_from <= date < valid_to). A blank id, a pseudonym ('pnr:...', a
-- sole trader) or a masked id without a crosswalk match is never an enterprise. Credit notes stay
-- negative, so sums are net.
-- Grain: one posting (_file_id, _row_number).
-- Sources: staging.supplier_invoices, staging.supplier_crosswalk, core.enterprises.
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
crosswalk as (
    select municipality_code, leverantor_internal_id, core.supplier_name_key(leverantor) as name_key, org_nr
    from staging.supplier_crosswalk
),
-- a supplier number or name the crosswalk gives two different organisations is ambiguous: unused
crosswalk_ids as (
    select municipality_code, leverantor_internal_id, any_value(org_nr) as org_nr
    from crosswalk where leverantor_internal_id is not null
    group by all having count(distinct org_nr) = 1
),
crosswalk_names as (
    select municipality_code, name_key, any_value(org_nr) as org_nr
    from crosswalk where leverantor_internal_id is null and name_key is not null
    group by all having count(distinct org_nr) = 1
),
identified as (
    select
        c.*,
        coalesce(case when c.supplier_kind = 'orgnr' then c.supplier_ten_digits end,
                 by_id.org_nr, by_name.org_nr) as identified_org_nr,
        case
            when c.supplier_kind = 'orgnr' then 'org_nr'
            when by_id.org_nr is not null then 'crosswalk_id'
            when by_name.org_nr is not null then 'crosswalk_name'
        end as identified_by
    from classified as c
    left join crosswalk_ids as by_id
      on by_id.municipality_code = c.buyer_municipality_code
     and by_id.leverantor_internal_id = c.leverantor_internal_id
    left join crosswalk_names as by_name
      on by_name.municipality_code = c.buyer_municipality_code
     and by_name.name_key = core.supplier_name_key(c.leverantor)
),
matched as (
    select
        i.*,
        e.org_nr as enterprise_org_nr,
        e.is_wise
    from identified as i
    left join core.enterprises as e
      on e.municipality_code = i.buyer_municipality_code
     and e.org_nr = i.identified_org_nr
     and e.valid_from <= i.bokforingsdatum
     and (e.valid_to is null or i.bokforingsdatum < e.valid_to)
),
final as (
    select
        buyer_municipality_code as municipality_code,
        cast(year(bokforingsdatum) as integer) as year,
        bokforingsdatum as posting_date,
        leverantor as supplier_name,
        identified_org_nr as supplier_org_nr,
        supplier_kind,
        identified_by,
        leverantor_internal_id as supplier_internal_id,
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
comment on view core.purchases is 'Every current supplier-ledger posting with the organisation it was paid to (its org nr, else the reviewed crosswalk) and the social enterprise, if active on the posting date; credit notes negative.';
comment on column core.purchases.municipality_code is 'Kommunkod of the buying municipality (the delivering inbox, else kommun_id).';
comment on column core.purchases.year is 'Year of the posting date.';
comment on column core.purchases.posting_date is 'Posting date (bokföringsdatum).';
comment on column core.purchases.supplier_name is 'Supplier name as delivered.';
comment on column core.purchases.supplier_org_nr is 'Supplier organisation number (ten digits): the delivered id, else from the supplier crosswalk; NULL when unidentified.';
comment on column core.purchases.identified_by is 'How the supplier was identified: org_nr (the delivered id), crosswalk_id, crosswalk_name; NULL when not.';
comment on column core.purchases.supplier_internal_id is 'The ledger''s own supplier number, when it carries one.';
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
