-- export.report_procurements: per municipality and year, the procurements published, how many were
-- reserved, how many carried an employment requirement or social criteria, and of those how many
-- were followed up during the contract, were not, or are not known -- what question 1 says about the
-- municipality's procurement choices. Counts of the municipality's own procurements are public and
-- not about persons. A year whose procurement delivery is missing is L with NULL counts, never 0.
-- Grain: municipality_code, year. Sources: core.procurements, core.municipality_years, core.coverage.
-- Action plan AP2c, AP2d; Agenda 2030 target 12.7 (proxy).
create or replace view export.report_procurements as
with coverage as (
    select municipality_code, year, obs_status
    from core.coverage
    where dataset = 'procurements'
),
counted as (
    select
        g.municipality_code,
        g.year,
        count(p.procurement_id) as procurements,
        count(p.procurement_id) filter (where p.is_reserved) as reserved,
        count(p.procurement_id) filter (where p.employment_requirement or p.social_criteria) as with_requirements,
        count(p.procurement_id) filter (where p.requirements_followed_up) as followed_up,
        count(p.procurement_id) filter (where not p.requirements_followed_up) as not_followed_up,
        count(p.procurement_id) filter (where (p.employment_requirement or p.social_criteria)
                                          and p.requirements_followed_up is null) as follow_up_unknown
    from core.municipality_years as g
    left join core.procurements as p on p.municipality_code = g.municipality_code and p.year = g.year
    group by all
),
final as (
    select
        c.municipality_code,
        c.year,
        coalesce(v.obs_status, 'L') as obs_status,
        case when v.obs_status <> 'L' then c.procurements end as procurements,
        case when v.obs_status <> 'L' then c.reserved end as reserved,
        case when v.obs_status <> 'L' then c.with_requirements end as with_requirements,
        case when v.obs_status <> 'L' then c.followed_up end as followed_up,
        case when v.obs_status <> 'L' then c.not_followed_up end as not_followed_up,
        case when v.obs_status <> 'L' then c.follow_up_unknown end as follow_up_unknown
    from counted as c
    left join coverage as v on v.municipality_code = c.municipality_code and v.year = c.year
)
select * from final;
comment on view export.report_procurements is 'Per municipality and year: procurements published, reserved, with social requirements, and whether the requirements were followed up (NULL when not delivered).';
comment on column export.report_procurements.municipality_code is 'Kommunkod of the procuring municipality.';
comment on column export.report_procurements.year is 'Year the procurements were published.';
comment on column export.report_procurements.obs_status is 'A delivered, P partly delivered, L not delivered (counts NULL).';
comment on column export.report_procurements.procurements is 'Procurements published in the year.';
comment on column export.report_procurements.reserved is 'Of them reserved (LOU 4:18 or 19:6a).';
comment on column export.report_procurements.with_requirements is 'Of them with an employment requirement or social criteria.';
comment on column export.report_procurements.followed_up is 'Of those with requirements: followed up during the contract.';
comment on column export.report_procurements.not_followed_up is 'Of those with requirements: not followed up.';
comment on column export.report_procurements.follow_up_unknown is 'Of those with requirements: not known (yet).';
