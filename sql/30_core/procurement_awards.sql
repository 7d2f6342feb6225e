-- core.procurement_awards: one row per procurement and winner, from awarded_org_nrs split on '|'
-- (blanks dropped, ids normalised to ten digits), flagged when the winner is a social enterprise in
-- the municipality's register. Grain: municipality_code, procurement_id, org_nr.
-- Sources: staging.procurements, core.enterprises.
-- Serves SE06 context and analysts' Q1 questions (action plan AP2d; Agenda 2030 target 12.7, proxy).
create or replace view core.procurement_awards as
with procurements as (
    select municipality_code, procurement_id, published_date, reserved, awarded_org_nrs
    from staging.procurements
    where awarded_org_nrs is not null
),
split as (
    select
        municipality_code, procurement_id, published_date, reserved,
        unnest(string_split(awarded_org_nrs, '|')) as awarded
    from procurements
),
cleaned as (
    select distinct
        municipality_code, procurement_id, published_date, reserved,
        regexp_replace(trim(awarded), '[\s+\-]', '', 'g') as org_nr
    from split
    where trim(awarded) <> ''
),
final as (
    select
        c.municipality_code,
        c.procurement_id,
        cast(year(c.published_date) as integer) as year,
        c.org_nr,
        e.org_nr is not null as is_social_enterprise,
        e.is_wise,
        coalesce(c.reserved, 'none') as legal_basis
    from cleaned as c
    left join core.enterprises as e on e.municipality_code = c.municipality_code and e.org_nr = c.org_nr
)
select * from final;
comment on view core.procurement_awards is 'One row per procurement and winner (awarded_org_nrs split on |), flagged when the winner is a registered social enterprise.';
comment on column core.procurement_awards.municipality_code is 'Kommunkod of the procuring municipality.';
comment on column core.procurement_awards.procurement_id is 'The municipality''s id of the procurement.';
comment on column core.procurement_awards.year is 'Year the procurement was published.';
comment on column core.procurement_awards.org_nr is 'Organisation number of the winner (ten digits).';
comment on column core.procurement_awards.is_social_enterprise is 'True when the winner is in the municipality''s register of social enterprises.';
comment on column core.procurement_awards.is_wise is 'The winner meets the WISE criteria; NULL when not in the register.';
comment on column core.procurement_awards.legal_basis is 'Reservation basis of the procurement: 4_18, 19_6a or none.';
