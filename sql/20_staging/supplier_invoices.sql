-- staging.supplier_invoices: the current rows of raw.supplier_invoices.
-- Current = from a loaded delivery that no newer delivery for the same municipality, dataset and
-- period has superseded (meta.files.superseded_by is null). Renames nothing; keeps _file_id and
-- _row_number so every figure can be traced to its file and row. Grain: one delivered row.
create or replace view staging.supplier_invoices as
with current_files as (
    select file_id from meta.files
    where dataset = 'supplier_invoices' and status = 'loaded' and superseded_by is null
),
source as (
    select * from raw.supplier_invoices
    where _file_id in (select file_id from current_files)
),
final as (
    select
        kopare_id,
        kopare,
        verifikationsnummer,
        leverantor,
        leverantor_id,
        konto_nr,
        konto_text,
        bokforingsdatum,
        forvaltning,
        fakturanummer,
        nettobelopp,
        kommun_id,
        leverantor_id_kind,
        leverantor_internal_id,
        _file_id,
        _row_number
    from source
)
select * from final;
comment on view staging.supplier_invoices is 'Current (not superseded) rows of raw.supplier_invoices.';
comment on column staging.supplier_invoices.kopare_id is 'Buyer''s organisation number.';
comment on column staging.supplier_invoices.kopare is 'Buyer''s name.';
comment on column staging.supplier_invoices.verifikationsnummer is 'Voucher number.';
comment on column staging.supplier_invoices.leverantor is 'Supplier name.';
comment on column staging.supplier_invoices.leverantor_id is 'Supplier organisation number as delivered (pseudonymised if a personal identity number).';
comment on column staging.supplier_invoices.konto_nr is 'Account number (Kommun-Bas), text.';
comment on column staging.supplier_invoices.konto_text is 'Account text.';
comment on column staging.supplier_invoices.bokforingsdatum is 'Posting date.';
comment on column staging.supplier_invoices.forvaltning is 'Administration (förvaltning).';
comment on column staging.supplier_invoices.fakturanummer is 'Invoice number; ''-'' and blanks mean none.';
comment on column staging.supplier_invoices.nettobelopp is 'Net amount in SEK excluding VAT; negative for credit notes.';
comment on column staging.supplier_invoices.kommun_id is 'Kommunkod of the buyer.';
comment on column staging.supplier_invoices.leverantor_id_kind is 'What leverantor_id held as delivered: orgnr, pseudonym (a personal identity number replaced by a keyed hash), masked, internal (publisher''s own supplier number), blank or invalid.';
comment on column staging.supplier_invoices.leverantor_internal_id is 'The publisher''s own supplier number, kept when leverantor_id is one (matched through a supplier crosswalk).';
comment on column staging.supplier_invoices._file_id is 'File the row came from (meta.files.file_id).';
comment on column staging.supplier_invoices._row_number is 'Data row number in the delivered file (1 = first row after the header).';
