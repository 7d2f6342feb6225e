-- core.social_economy_organisations: organisations in the county's bulk registers that look like
-- social enterprises: a social-economy legal form (Bolagsverket EK, I, S; SCB JurForm 51, 61, 72) and
-- an SNI code starting 88 (social work without accommodation) among sni_1..sni_5, registered or
-- deregistered, with the municipality their post town places them in. The bulk files were already
-- cut to the county (postal code/post town) or to listed enterprises when read. The municipality is
-- APPROXIMATE: it is assigned from the post town only (post town = a configured municipality's name,
-- or a known post town inside it); postal areas cross municipal borders, so treat it as a lead for
-- the register, not a statistic. The review list (core.enterprise_candidates) and its history
-- (core.review_list_years) are made from it.
-- Grain: org_nr. Sources: raw.bolagsverket_register, raw.scb_register, meta.municipalities.
-- Serves Q1 (action plan AP1 statistics, AP2a; Agenda 2030 target 8.3, proxy).
create or replace view core.social_economy_organisations as
with bolagsverket as (
    select *
    from raw.bolagsverket_register
    qualify row_number() over (partition by org_nr order by _retrieved_at desc nulls last, _source_file) = 1
),
scb as (
    select *
    from raw.scb_register
    qualify row_number() over (partition by org_nr order by _retrieved_at desc nulls last, _source_file) = 1
),
organisations as (
    select
        coalesce(b.org_nr, s.org_nr) as org_nr,
        coalesce(b.name, s.name) as name,
        b.legal_form as bolagsverket_legal_form,
        s.jur_form as scb_jur_form,
        s.sni_1, s.sni_2, s.sni_3, s.sni_4, s.sni_5,
        coalesce(b.postnummer, s.postnummer) as postnummer,
        coalesce(b.postort, s.postort) as postort,
        coalesce(b.registration_date, s.registration_date) as registration_date,
        b.deregistration_date,
        b.description
    from bolagsverket as b
    full outer join scb as s on s.org_nr = b.org_nr
),
social_economy as (
    select *
    from organisations
    where (bolagsverket_legal_form in ('EK', 'I', 'S') or scb_jur_form in ('51', '61', '72'))
      and (starts_with(coalesce(sni_1, ''), '88') or starts_with(coalesce(sni_2, ''), '88')
           or starts_with(coalesce(sni_3, ''), '88') or starts_with(coalesce(sni_4, ''), '88')
           or starts_with(coalesce(sni_5, ''), '88'))
),
post_towns as (
    -- post towns that are not the municipality's own name (approximate; extend when needed)
    select * from (values
        ('FJUGESTA', 'LEKEBERG'), ('GRYTHYTTAN', 'HÄLLEFORS'), ('KOPPARBERG', 'LJUSNARSBERG'),
        ('FRÖVI', 'LINDESBERG'), ('STORÅ', 'LINDESBERG'), ('VEDEVÅG', 'LINDESBERG'),
        ('GLANSHAMMAR', 'ÖREBRO'), ('ODENSBACKEN', 'ÖREBRO')
    ) as t(postort, municipality_name)
),
final as (
    select
        o.org_nr,
        o.name,
        m.code as municipality_code,
        case when m.code is not null then 'post town (approximate)' else 'unassigned' end as municipality_basis,
        coalesce(o.bolagsverket_legal_form,
                 case o.scb_jur_form when '51' then 'EK' when '61' then 'I' when '72' then 'S' end) as legal_form_code,
        o.scb_jur_form,
        concat_ws(' ', o.sni_1, o.sni_2, o.sni_3, o.sni_4, o.sni_5) as sni_codes,
        o.postnummer,
        o.postort,
        o.registration_date,
        o.deregistration_date,
        o.description
    from social_economy as o
    left join post_towns as t on t.postort = upper(o.postort)
    left join meta.municipalities as m
      on not m.is_region and upper(m.name) = coalesce(t.municipality_name, upper(o.postort))
)
select * from final;
comment on view core.social_economy_organisations is 'Organisations in the county''s bulk registers with a social-economy legal form and an SNI 88 code, registered or deregistered; municipality approximate (post town).';
comment on column core.social_economy_organisations.org_nr is 'Organisation number (ten digits).';
comment on column core.social_economy_organisations.name is 'Registered name.';
comment on column core.social_economy_organisations.municipality_code is 'APPROXIMATE kommunkod from the post town; NULL when the post town does not identify a configured municipality.';
comment on column core.social_economy_organisations.municipality_basis is 'How the municipality was assigned: post town (approximate) or unassigned.';
comment on column core.social_economy_organisations.legal_form_code is 'EK ekonomisk förening, I ideell förening, S stiftelse (Bolagsverket, else SCB JurForm 51/61/72).';
comment on column core.social_economy_organisations.scb_jur_form is 'SCB JurForm code (51 ekonomisk förening, 61 ideell förening, 72 övrig stiftelse).';
comment on column core.social_economy_organisations.sni_codes is 'SNI 2007 codes from SCB (sni_1..sni_5), space-separated; at least one starts with 88.';
comment on column core.social_economy_organisations.postnummer is 'Postal code of the postal address.';
comment on column core.social_economy_organisations.postort is 'Post town.';
comment on column core.social_economy_organisations.registration_date is 'Registration date (Bolagsverket, else SCB).';
comment on column core.social_economy_organisations.deregistration_date is 'Deregistration date (Bolagsverket); NULL while registered.';
comment on column core.social_economy_organisations.description is 'Registered description of the business (Bolagsverket).';
