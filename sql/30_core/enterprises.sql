-- core.enterprises: one row per social enterprise in a municipality's current register, with its
-- validity period. valid_to is the register's end_date; the Bolagsverket deregistration date completes
-- it when the register has none (see core.enterprise_status). legal_form_code is Bolagsverket's code,
-- else SCB's JurForm mapped (51 EK, 61 I, 72 S, 49 AB), else the register's text mapped onto a closed
-- list (EK, I, S, AB, other): it is a published breakdown value of SE02, and the delivered text is
-- free text that may name a person.
-- Grain: municipality_code, org_nr. Sources: staging.enterprises, core.enterprise_status, raw.scb_register.
-- Serves every own-data indicator (action plan AP2a, AP1; Agenda 2030 target 8.3, proxy).
create or replace view core.enterprises as
with register as (
    select * from staging.enterprises
),
status as (
    select * from core.enterprise_status
),
scb as (
    select org_nr, jur_form
    from raw.scb_register
    qualify row_number() over (partition by org_nr order by _retrieved_at desc nulls last, _source_file) = 1
),
final as (
    select
        r.municipality_code,
        r.org_nr,
        r.name,
        r.legal_form,
        coalesce(
            s.bolagsverket_legal_form,
            case scb.jur_form when '51' then 'EK' when '61' then 'I' when '72' then 'S' when '49' then 'AB' end,
            case
                when upper(trim(r.legal_form)) in ('EK', 'EK FÖR', 'EK. FÖR.', 'EKONOMISK FÖRENING') then 'EK'
                when upper(trim(r.legal_form)) in ('I', 'IDEELL FÖRENING') then 'I'
                when upper(trim(r.legal_form)) in ('S', 'STIFTELSE') then 'S'
                when upper(trim(r.legal_form)) in ('AB', 'AKTIEBOLAG') then 'AB'
                when trim(r.legal_form) <> '' then 'other'
            end,
            'unknown'
        ) as legal_form_code,
        r.is_wise,
        r.criteria_assessed_on,
        r.start_date as valid_from,
        s.ended_on as valid_to,
        s.end_reason,
        r.sni,
        r.cooperation_started,
        r.note,
        r._file_id,
        r._row_number
    from register as r
    left join status as s on s.municipality_code = r.municipality_code and s.org_nr = r.org_nr
    left join scb on scb.org_nr = r.org_nr
)
select * from final;
comment on view core.enterprises is 'One row per social enterprise in a municipality''s current register, with its validity period (register end date completed by Bolagsverket deregistration).';
comment on column core.enterprises.municipality_code is 'Kommunkod of the municipality whose register lists the enterprise.';
comment on column core.enterprises.org_nr is 'Organisation number (ten digits).';
comment on column core.enterprises.name is 'Name of the enterprise.';
comment on column core.enterprises.legal_form is 'Legal form as delivered (EK, I, S, AB ...).';
comment on column core.enterprises.legal_form_code is 'Legal form code: Bolagsverket''s, else SCB JurForm mapped, else the register''s text mapped (EK, I, S, AB, other); unknown when none.';
comment on column core.enterprises.is_wise is 'Meets Tillväxtverket''s four criteria for a work-integrating social enterprise.';
comment on column core.enterprises.criteria_assessed_on is 'Date the criteria were assessed.';
comment on column core.enterprises.valid_from is 'Start of activity (start_date in the register).';
comment on column core.enterprises.valid_to is 'End of activity: the register''s end_date, else Bolagsverket''s deregistration date; NULL while active.';
comment on column core.enterprises.end_reason is 'Why it ended: bankruptcy, liquidation, deregistered or ended (register); NULL while active.';
comment on column core.enterprises.sni is 'SNI 2007 code, text.';
comment on column core.enterprises.cooperation_started is 'Date the municipality''s cooperation with the enterprise started.';
comment on column core.enterprises.note is 'Free-text note from the register.';
comment on column core.enterprises._file_id is 'Delivered file of the register row (meta.files.file_id).';
comment on column core.enterprises._row_number is 'Row number in that file.';
