-- core.enterprise_candidates: the review list: organisations in the county that look like social
-- enterprises (core.social_economy_organisations: a social-economy legal form and an SNI 88 code)
-- that are still registered and in no municipal register. The municipality is APPROXIMATE (post
-- town): treat each one as a lead for the register, not a statistic.
-- Grain: org_nr. Sources: core.social_economy_organisations, staging.enterprises.
-- Serves Q1 (action plan AP1 statistics, AP2a; Agenda 2030 target 8.3, proxy).
create or replace view core.enterprise_candidates as
with registered as (
    select distinct org_nr from staging.enterprises
),
final as (
    select
        org_nr,
        name,
        municipality_code,
        municipality_basis,
        legal_form_code,
        scb_jur_form,
        sni_codes,
        postnummer,
        postort,
        registration_date,
        description
    from core.social_economy_organisations
    where deregistration_date is null
      and org_nr not in (select org_nr from registered)
)
select * from final;
comment on view core.enterprise_candidates is 'Possible social enterprises in the county not in any municipal register: social-economy legal form and SNI 88; municipality approximate (post town).';
comment on column core.enterprise_candidates.org_nr is 'Organisation number (ten digits).';
comment on column core.enterprise_candidates.name is 'Registered name.';
comment on column core.enterprise_candidates.municipality_code is 'APPROXIMATE kommunkod from the post town; NULL when the post town does not identify a configured municipality.';
comment on column core.enterprise_candidates.municipality_basis is 'How the municipality was assigned: post town (approximate) or unassigned.';
comment on column core.enterprise_candidates.legal_form_code is 'EK ekonomisk förening, I ideell förening, S stiftelse (Bolagsverket, else SCB JurForm 51/61/72).';
comment on column core.enterprise_candidates.scb_jur_form is 'SCB JurForm code (51 ekonomisk förening, 61 ideell förening, 72 övrig stiftelse).';
comment on column core.enterprise_candidates.sni_codes is 'SNI 2007 codes from SCB (sni_1..sni_5), space-separated; at least one starts with 88.';
comment on column core.enterprise_candidates.postnummer is 'Postal code of the postal address.';
comment on column core.enterprise_candidates.postort is 'Post town.';
comment on column core.enterprise_candidates.registration_date is 'Registration date (Bolagsverket, else SCB).';
comment on column core.enterprise_candidates.description is 'Registered description of the business (Bolagsverket).';
