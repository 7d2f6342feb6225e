-- core.enterprises: one row per social enterprise in a municipality's current register, with its
-- validity period. valid_to is the register's end_date (the enterprise ended); the Bolagsverket
-- deregistration date completes it when the register has none (see core.enterprise_status).
-- Grain: municipality_code, org_nr.
create or replace view core.enterprises as
with register as (
    select * from staging.enterprises
),
final as (
    select
        municipality_code,
        org_nr,
        name,
        legal_form,
        is_wise,
        criteria_assessed_on,
        start_date as valid_from,
        end_date as valid_to,
        sni,
        cooperation_started,
        note,
        _file_id,
        _row_number
    from register
)
select * from final;
comment on view core.enterprises is 'One row per social enterprise in a municipality''s current register, with its validity period.';
comment on column core.enterprises.municipality_code is 'Kommunkod of the municipality whose register lists the enterprise.';
comment on column core.enterprises.org_nr is 'Organisation number (ten digits).';
comment on column core.enterprises.name is 'Name of the enterprise.';
comment on column core.enterprises.legal_form is 'Legal form as delivered (EK, I, S, AB ...).';
comment on column core.enterprises.is_wise is 'Meets Tillväxtverket''s four criteria for a work-integrating social enterprise.';
comment on column core.enterprises.criteria_assessed_on is 'Date the criteria were assessed.';
comment on column core.enterprises.valid_from is 'Start of activity (start_date in the register).';
comment on column core.enterprises.valid_to is 'End of activity (end_date in the register); NULL while active.';
comment on column core.enterprises.sni is 'SNI 2007 code, text.';
comment on column core.enterprises.cooperation_started is 'Date the municipality''s cooperation with the enterprise started.';
comment on column core.enterprises.note is 'Free-text note from the register.';
comment on column core.enterprises._file_id is 'Delivered file of the register row (meta.files.file_id).';
comment on column core.enterprises._row_number is 'Row number in that file.';
