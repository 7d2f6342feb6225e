-- raw.supplier_invoices: The accounts-payable ledger (leverantörsreskontra), one row per posting (national spec).
-- Rows exactly as delivered after mapping to canonical columns and passing validation; one row per
-- delivered row, from every delivery (superseded ones too: staging picks the current ones).
-- Grain: _file_id, _row_number. Columns follow the contract in flows/datasets.py.
create table if not exists raw.supplier_invoices (
    kopare_id varchar,
    kopare varchar,
    verifikationsnummer varchar,
    leverantor varchar,
    leverantor_id varchar,
    konto_nr varchar,
    konto_text varchar,
    bokforingsdatum date,
    forvaltning varchar,
    fakturanummer varchar,
    nettobelopp decimal(18,2),
    kommun_id varchar,
    leverantor_id_kind varchar,
    _file_id varchar,
    _source_file varchar,
    _sha256 varchar,
    _row_number bigint,
    _run_id varchar,
    _loaded_at timestamp
);
comment on table raw.supplier_invoices is 'The accounts-payable ledger (leverantörsreskontra), one row per posting (national spec). As delivered, validated, with lineage.';
comment on column raw.supplier_invoices.kopare_id is 'Buyer''s organisation number.';
comment on column raw.supplier_invoices.kopare is 'Buyer''s name.';
comment on column raw.supplier_invoices.verifikationsnummer is 'Voucher number.';
comment on column raw.supplier_invoices.leverantor is 'Supplier name.';
comment on column raw.supplier_invoices.leverantor_id is 'Supplier organisation number as delivered (pseudonymised if a personal identity number).';
comment on column raw.supplier_invoices.konto_nr is 'Account number (Kommun-Bas), text.';
comment on column raw.supplier_invoices.konto_text is 'Account text.';
comment on column raw.supplier_invoices.bokforingsdatum is 'Posting date.';
comment on column raw.supplier_invoices.forvaltning is 'Administration (förvaltning).';
comment on column raw.supplier_invoices.fakturanummer is 'Invoice number; ''-'' and blanks mean none.';
comment on column raw.supplier_invoices.nettobelopp is 'Net amount in SEK excluding VAT; negative for credit notes.';
comment on column raw.supplier_invoices.kommun_id is 'Kommunkod of the buyer.';
comment on column raw.supplier_invoices.leverantor_id_kind is 'What leverantor_id held as delivered: orgnr, pseudonym (a personal identity number replaced by a keyed hash), masked, internal (publisher''s own supplier number), blank or invalid.';
comment on column raw.supplier_invoices._file_id is 'File the row came from (meta.files.file_id).';
comment on column raw.supplier_invoices._source_file is 'Path of the delivered file relative to the inbox.';
comment on column raw.supplier_invoices._sha256 is 'SHA-256 of the delivered file.';
comment on column raw.supplier_invoices._row_number is 'Data row number in the delivered file (1 = first row after the header).';
comment on column raw.supplier_invoices._run_id is 'Run that loaded the row (meta.runs.run_id).';
comment on column raw.supplier_invoices._loaded_at is 'When the row was loaded (UTC).';
