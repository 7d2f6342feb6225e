-- core.enterprise_status: whether and why each registered social enterprise ended. The register's
-- end_date wins; Bolagsverket's deregistration date completes it when the register has none (a
-- register is often not updated after a bankruptcy). Reason codes from Bolagsverket's
-- avregistreringsorsak: KKAV bankruptcy (konkurs), LIAV liquidation (likvidation), others deregistered.
-- Grain: municipality_code, org_nr. Sources: staging.enterprises, raw.bolagsverket_register.
-- Serves SE01-SE03 (action plan AP2a; Agenda 2030 target 8.3, proxy).
create or replace view core.enterprise_status as
with register as (
    select municipality_code, org_nr, end_date
    from staging.enterprises
),
bolagsverket as (
    -- one row per organisation; the newest download wins if a file was read twice
    select
        org_nr, legal_form, registration_date, deregistration_date, deregistration_reason,
        ongoing_procedure, ongoing_procedure_date
    from raw.bolagsverket_register
    qualify row_number() over (partition by org_nr order by _retrieved_at desc nulls last, _source_file) = 1
),
final as (
    select
        r.municipality_code,
        r.org_nr,
        r.end_date as register_end_date,
        b.registration_date,
        b.deregistration_date,
        b.deregistration_reason,
        b.ongoing_procedure,
        b.ongoing_procedure_date,
        b.legal_form as bolagsverket_legal_form,
        b.org_nr is not null as found_at_bolagsverket,
        coalesce(r.end_date, b.deregistration_date) as ended_on,
        case
            when b.deregistration_reason = 'KKAV' then 'bankruptcy'
            when b.deregistration_reason = 'LIAV' then 'liquidation'
            when b.deregistration_date is not null then 'deregistered'
            when r.end_date is not null then 'ended'
        end as end_reason
    from register as r
    left join bolagsverket as b on b.org_nr = r.org_nr
)
select * from final;
comment on view core.enterprise_status is 'Per registered social enterprise: end date (register end_date, else Bolagsverket deregistration) and the reason (bankruptcy, liquidation, deregistered, ended).';
comment on column core.enterprise_status.municipality_code is 'Kommunkod of the register that lists the enterprise.';
comment on column core.enterprise_status.org_nr is 'Organisation number (ten digits).';
comment on column core.enterprise_status.register_end_date is 'End date in the municipal register; NULL while the register says active.';
comment on column core.enterprise_status.registration_date is 'Registration date at Bolagsverket.';
comment on column core.enterprise_status.deregistration_date is 'Deregistration date at Bolagsverket; NULL while registered.';
comment on column core.enterprise_status.deregistration_reason is 'Bolagsverket reason code without suffix: KKAV bankruptcy, LIAV liquidation, AVREG ...';
comment on column core.enterprise_status.ongoing_procedure is 'Ongoing procedure at Bolagsverket (KK bankruptcy, LI liquidation, FR reconstruction); not an end by itself.';
comment on column core.enterprise_status.ongoing_procedure_date is 'Start date of the ongoing procedure.';
comment on column core.enterprise_status.bolagsverket_legal_form is 'Legal form code at Bolagsverket (EK, I, S, AB ...).';
comment on column core.enterprise_status.found_at_bolagsverket is 'True when the organisation is in Bolagsverket''s bulk file (many ideella föreningar are not).';
comment on column core.enterprise_status.ended_on is 'Date the enterprise stopped being active: coalesce(register end_date, Bolagsverket deregistration date).';
comment on column core.enterprise_status.end_reason is 'bankruptcy (KKAV), liquidation (LIAV), deregistered (other reason), ended (register only); NULL while active.';
