-- raw.bolagsverket_register: the rows of Bolagsverket's bulk file socek keeps: enterprises in the
-- municipal registers, and social-economy organisations located in the county (candidates). Sole
-- traders (PERSON-IDORG) are dropped while reading and never stored. Grain: org_nr.
create table if not exists raw.bolagsverket_register (
    org_nr varchar,
    name varchar,
    legal_form varchar,
    registration_date date,
    deregistration_date date,
    deregistration_reason varchar,
    ongoing_procedure varchar,
    ongoing_procedure_date date,
    postnummer varchar,
    postort varchar,
    description varchar,
    _source_file varchar,
    _sha256 varchar,
    _retrieved_at timestamp,
    _run_id varchar
);
comment on table raw.bolagsverket_register is 'Registered organisations from Bolagsverket''s bulk file (kept rows only; no sole traders). Källa: Bolagsverket.';
comment on column raw.bolagsverket_register.org_nr is 'Organisation number (ten digits).';
comment on column raw.bolagsverket_register.name is 'Current registered name.';
comment on column raw.bolagsverket_register.legal_form is 'Bolagsverket organisationsform (EK, I, S, AB ...).';
comment on column raw.bolagsverket_register.registration_date is 'Registration date.';
comment on column raw.bolagsverket_register.deregistration_date is 'Deregistration date, if deregistered.';
comment on column raw.bolagsverket_register.deregistration_reason is 'Reason code (KKAV bankruptcy, LIAV liquidation, AVREG ...).';
comment on column raw.bolagsverket_register.ongoing_procedure is 'Ongoing procedure (KK bankruptcy, LI liquidation, FR reconstruction).';
comment on column raw.bolagsverket_register.ongoing_procedure_date is 'Start date of the ongoing procedure.';
comment on column raw.bolagsverket_register.postnummer is 'Postal code of the postal address (five digits).';
comment on column raw.bolagsverket_register.postort is 'Post town, upper case.';
comment on column raw.bolagsverket_register.description is 'Registered description of the business.';
comment on column raw.bolagsverket_register._source_file is 'Bulk file the row was read from.';
comment on column raw.bolagsverket_register._sha256 is 'SHA-256 of the bulk zip.';
comment on column raw.bolagsverket_register._retrieved_at is 'When the bulk file was downloaded (UTC).';
comment on column raw.bolagsverket_register._run_id is 'Run that loaded the row.';
