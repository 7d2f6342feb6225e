-- staging.supplier_crosswalk: the current rows of raw.supplier_crosswalk, a municipality's reviewed
-- key from its ledger's suppliers (internal supplier number or name) to organisation numbers.
-- Current = from the newest loaded delivery (a full key replaces the older one). Grain: one row.
create or replace view staging.supplier_crosswalk as
with current_files as (
    select file_id, municipality_code from meta.files
    where dataset = 'supplier_crosswalk' and status = 'loaded' and superseded_by is null
),
source as (
    select s.*, f.municipality_code
    from raw.supplier_crosswalk as s
    join current_files as f on f.file_id = s._file_id
),
final as (
    select
        municipality_code,
        leverantor_internal_id,
        leverantor,
        org_nr,
        reviewed_by,
        reviewed_on,
        _file_id,
        _row_number
    from source
)
select * from final;
comment on view staging.supplier_crosswalk is 'Current rows of each municipality''s reviewed supplier crosswalk (ledger supplier number or name -> organisation number).';
comment on column staging.supplier_crosswalk.municipality_code is 'Kommunkod of the municipality whose ledger the key belongs to (the delivering inbox).';
comment on column staging.supplier_crosswalk.leverantor_internal_id is 'The ledger''s own supplier number.';
comment on column staging.supplier_crosswalk.leverantor is 'The supplier''s name as written in the ledger.';
comment on column staging.supplier_crosswalk.org_nr is 'The organisation number the supplier is.';
comment on column staging.supplier_crosswalk.reviewed_by is 'Who checked the match.';
comment on column staging.supplier_crosswalk.reviewed_on is 'When the match was checked.';
comment on column staging.supplier_crosswalk._file_id is 'File the row came from (meta.files.file_id).';
comment on column staging.supplier_crosswalk._row_number is 'Data row number in the delivered file.';
