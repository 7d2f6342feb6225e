-- export.report_municipal_actions: the municipality's own actions as the reports print them: date,
-- who decided, diarienummer, type, responsible unit, budget and action-plan area. Dates, decisions
-- and budgets of the municipality's own actions are public records, not person data; the free texts
-- (title, description, link) are left out; the delivered text shown (id, diarienummer) passes
-- through export.public_text. Grain: municipality_code, action_id.
-- Sources: core.municipal_actions, export.public_text.
-- Action plan: the area of each action; Agenda 2030 targets 8.3, 12.7, 17.17 (proxies).
create or replace view export.report_municipal_actions as
with final as (
    select
        municipality_code,
        export.public_text(action_id, null) as action_id,
        year,
        decision_date,
        decision_body,
        export.public_text(diarienummer, null) as diarienummer,
        action_type,
        responsible_unit,
        budget_sek,
        action_plan_area
    from core.municipal_actions
)
select * from final;
comment on view export.report_municipal_actions is 'The municipalities'' own actions for social enterprises (closed-list columns, dates, diarienummer and budgets; no free text), for the reports.';
comment on column export.report_municipal_actions.municipality_code is 'Kommunkod of the municipality that acted.';
comment on column export.report_municipal_actions.action_id is 'The municipality''s id of the action.';
comment on column export.report_municipal_actions.year is 'Year of the decision or meeting.';
comment on column export.report_municipal_actions.decision_date is 'Date of the decision or meeting.';
comment on column export.report_municipal_actions.decision_body is 'kf, ks, committee or administration.';
comment on column export.report_municipal_actions.diarienummer is 'Registration number of the decision.';
comment on column export.report_municipal_actions.action_type is 'Kind of action (closed list).';
comment on column export.report_municipal_actions.responsible_unit is 'Responsible unit (closed list); NULL: none named.';
comment on column export.report_municipal_actions.budget_sek is 'Money set aside, SEK.';
comment on column export.report_municipal_actions.action_plan_area is 'Area of the regional action plan (AP1, AP2a-AP2d, AP3).';
