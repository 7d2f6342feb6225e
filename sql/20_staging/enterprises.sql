-- staging.enterprises: the current rows of raw.enterprises.
-- Current = from a loaded delivery that no newer delivery for the same municipality, dataset and
-- period has superseded (meta.files.superseded_by is null). Renames nothing; keeps _file_id and
-- _row_number so every figure can be traced to its file and row. Grain: one delivered row.
create or replace view staging.enterprises as
with current_files as (
    select file_id from meta.files
    where dataset = 'enterprises' and status = 'loaded' and superseded_by is null
),
source as (
    select * from raw.enterprises
    where _file_id in (select file_id from current_files)
),
final as (
    select
        org_nr,
        name,
        municipality_code,
        legal_form,
        is_wise,
        criteria_assessed_on,
        start_date,
        end_date,
        sni,
        cooperation_started,
        note,
        _file_id,
        _row_number
    from source
)
select * from final;
comment on view staging.enterprises is 'Current (not superseded) rows of raw.enterprises.';
comment on column staging.enterprises.org_nr is 'Organisation number, ten digits.';
comment on column staging.enterprises.name is 'Name of the enterprise.';
comment on column staging.enterprises.municipality_code is 'Kommunkod of the municipality that keeps the register.';
comment on column staging.enterprises.legal_form is 'Legal form as delivered (EK, I, S, AB...).';
comment on column staging.enterprises.is_wise is 'Meets Tillväxtverket''s four criteria for a work-integrating social enterprise.';
comment on column staging.enterprises.criteria_assessed_on is 'Date the criteria were assessed.';
comment on column staging.enterprises.start_date is 'Date the enterprise started.';
comment on column staging.enterprises.end_date is 'Date the enterprise ended (blank while active).';
comment on column staging.enterprises.sni is 'SNI 2007 code, text (leading zeros kept).';
comment on column staging.enterprises.cooperation_started is 'Date the municipality''s cooperation started.';
comment on column staging.enterprises.note is 'Free-text note.';
comment on column staging.enterprises._file_id is 'File the row came from (meta.files.file_id).';
comment on column staging.enterprises._row_number is 'Data row number in the delivered file (1 = first row after the header).';
