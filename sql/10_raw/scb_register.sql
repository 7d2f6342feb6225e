-- raw.scb_register: the rows of SCB's company-register bulk file socek keeps (same selection as
-- raw.bolagsverket_register); legal units including ideella föreningar, with SNI codes.
-- Grain: org_nr.
create table if not exists raw.scb_register (
    org_nr varchar,
    name varchar,
    jur_form varchar,
    sni_1 varchar,
    sni_2 varchar,
    sni_3 varchar,
    sni_4 varchar,
    sni_5 varchar,
    postnummer varchar,
    postort varchar,
    registration_date date,
    status varchar,
    _source_file varchar,
    _sha256 varchar,
    _retrieved_at timestamp,
    _run_id varchar
);
comment on table raw.scb_register is 'Legal units from SCB''s company-register bulk file (kept rows only). Källa: SCB.';
comment on column raw.scb_register.org_nr is 'Organisation number (ten digits, without the 16 prefix).';
comment on column raw.scb_register.name is 'Registered name.';
comment on column raw.scb_register.jur_form is 'SCB juridisk form (51 ekonomisk förening, 61 ideell förening, 72 övrig stiftelse ...).';
comment on column raw.scb_register.sni_1 is 'Primary SNI code (five digits, text).';
comment on column raw.scb_register.sni_2 is 'Second SNI code.';
comment on column raw.scb_register.sni_3 is 'Third SNI code.';
comment on column raw.scb_register.sni_4 is 'Fourth SNI code.';
comment on column raw.scb_register.sni_5 is 'Fifth SNI code.';
comment on column raw.scb_register.postnummer is 'Postal code (five digits).';
comment on column raw.scb_register.postort is 'Post town, upper case.';
comment on column raw.scb_register.registration_date is 'Registration date.';
comment on column raw.scb_register.status is 'SCB JEStat status code, verbatim.';
comment on column raw.scb_register._source_file is 'Bulk file the row was read from.';
comment on column raw.scb_register._sha256 is 'SHA-256 of the bulk zip.';
comment on column raw.scb_register._retrieved_at is 'When the bulk file was downloaded (UTC).';
comment on column raw.scb_register._run_id is 'Run that loaded the row.';
