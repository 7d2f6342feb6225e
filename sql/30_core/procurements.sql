-- core.procurements: the current procurements, one row per procurement, with the year it was
-- published, its legal basis for reservation and how many of its winners are social enterprises.
-- Grain: municipality_code, procurement_id. Sources: staging.procurements, core.procurement_awards.
-- Serves SE06, SE07 (action plan AP2c, AP2d; Agenda 2030 target 12.7, proxy; 8.5 for employment requirements).
create or replace view core.procurements as
with procurements as (
    select * from staging.procurements
),
awards as (
    select
        municipality_code, procurement_id,
        count(*) as winners,
        count(*) filter (where is_social_enterprise) as social_enterprise_winners
    from core.procurement_awards
    group by all
),
final as (
    select
        p.municipality_code,
        p.procurement_id,
        cast(year(p.published_date) as integer) as year,
        p.published_date,
        p.title,
        p.estimated_value_sek,
        p.procedure,
        coalesce(p.reserved, 'none') as legal_basis,
        coalesce(p.reserved, 'none') <> 'none' as is_reserved,
        coalesce(p.employment_requirement, false) as employment_requirement,
        coalesce(p.social_criteria, false) as social_criteria,
        -- only a procurement with requirements can have them followed up
        case when coalesce(p.employment_requirement, false) or coalesce(p.social_criteria, false)
             then p.requirements_followed_up end as requirements_followed_up,
        coalesce(a.winners, 0) as winners,
        coalesce(a.social_enterprise_winners, 0) as social_enterprise_winners,
        p._file_id,
        p._row_number
    from procurements as p
    left join awards as a on a.municipality_code = p.municipality_code and a.procurement_id = p.procurement_id
)
select * from final;
comment on view core.procurements is 'Current procurements with publication year, reservation basis (LOU 4:18, 19:6a) and social requirements.';
comment on column core.procurements.municipality_code is 'Kommunkod of the procuring municipality.';
comment on column core.procurements.procurement_id is 'The municipality''s id of the procurement.';
comment on column core.procurements.year is 'Year the procurement was published.';
comment on column core.procurements.published_date is 'Publication date.';
comment on column core.procurements.title is 'Title.';
comment on column core.procurements.estimated_value_sek is 'Estimated value, SEK.';
comment on column core.procurements.procedure is 'Procedure as delivered.';
comment on column core.procurements.legal_basis is 'Reservation basis: 4_18 (LOU 4 kap. 18 §), 19_6a (LOU 19 kap. 6 a §) or none.';
comment on column core.procurements.is_reserved is 'True when reserved under 4 kap. 18 § or 19 kap. 6 a § LOU.';
comment on column core.procurements.employment_requirement is 'True when the contract carries an employment requirement (sysselsättningskrav).';
comment on column core.procurements.social_criteria is 'True when the procurement uses social criteria (sociala hänsyn).';
comment on column core.procurements.requirements_followed_up is 'For a procurement with an employment requirement or social criteria: whether they were followed up during the contract; NULL: not known, or no requirements.';
comment on column core.procurements.winners is 'Number of organisations awarded the contract.';
comment on column core.procurements.social_enterprise_winners is 'Winners that are in the municipality''s register of social enterprises.';
comment on column core.procurements._file_id is 'Delivered file (meta.files.file_id).';
comment on column core.procurements._row_number is 'Row number in that file.';
