-- core.grants: the current grant decisions, with the decision year and whether the recipient is in
-- the municipality's register of social enterprises (at any time: a start grant often comes before
-- the enterprise's start date). Grain: municipality_code, grant_id.
-- Sources: staging.grants, core.enterprises.
-- Serves SE09 (action plan AP2b; Agenda 2030 target 8.3, proxy: access to financial services).
create or replace view core.grants as
with grants as (
    select * from staging.grants
),
final as (
    select
        g.municipality_code,
        g.grant_id,
        cast(year(g.decision_date) as integer) as year,
        g.decision_date,
        g.org_nr,
        e.org_nr is not null as is_social_enterprise,
        e.is_wise,
        g.grant_type,
        g.amount_sek,
        g._file_id,
        g._row_number
    from grants as g
    left join core.enterprises as e on e.municipality_code = g.municipality_code and e.org_nr = g.org_nr
)
select * from final;
comment on view core.grants is 'Current grant decisions with the decision year and whether the recipient is a registered social enterprise.';
comment on column core.grants.municipality_code is 'Kommunkod of the deciding municipality.';
comment on column core.grants.grant_id is 'The municipality''s id of the grant.';
comment on column core.grants.year is 'Year of the decision.';
comment on column core.grants.decision_date is 'Decision date.';
comment on column core.grants.org_nr is 'Organisation number of the recipient.';
comment on column core.grants.is_social_enterprise is 'True when the recipient is in the municipality''s register of social enterprises.';
comment on column core.grants.is_wise is 'The recipient meets the WISE criteria; NULL when not in the register.';
comment on column core.grants.grant_type is 'association_grant, start_grant, project_grant, operating_grant or other.';
comment on column core.grants.amount_sek is 'Amount granted, SEK.';
comment on column core.grants._file_id is 'Delivered file (meta.files.file_id).';
comment on column core.grants._row_number is 'Row number in that file.';
