-- core.municipal_actions: the municipality's own actions for social enterprises -- decisions,
-- strategies, budgets, procurement guidelines, dialogue and network meetings, agreement decisions,
-- assignments, reviews of new leads and follow-ups -- with the year, who decided and who answers for
-- them. What the council report's question 1 tells year by year. Dates, decisions and budgets of the
-- municipality's own actions are public records, not person data; the free texts (title,
-- description, link) stay internal, the report prints the closed-list columns and the diarienummer.
-- Grain: municipality_code, action_id. Sources: staging.municipal_actions.
-- Action plan: the area each action names (AP1-AP3); Agenda 2030 targets 8.3, 12.7, 17.17 (proxies).
create or replace view core.municipal_actions as
with actions as (
    select * from staging.municipal_actions
),
final as (
    select
        municipality_code,
        action_id,
        cast(year(decision_date) as integer) as year,
        decision_date,
        decision_body,
        nullif(trim(diarienummer), '') as diarienummer,
        action_type,
        title,
        description,
        responsible_unit,
        responsible_unit is null as lacks_responsible_unit,
        budget_sek,
        action_plan_area,
        link,
        _file_id,
        _row_number
    from actions
)
select * from final;
comment on view core.municipal_actions is 'The municipality''s own actions for social enterprises (decisions, strategies, budgets, guidelines, meetings, assignments), one row per action.';
comment on column core.municipal_actions.municipality_code is 'Kommunkod of the municipality that acted.';
comment on column core.municipal_actions.action_id is 'The municipality''s id of the action.';
comment on column core.municipal_actions.year is 'Year of the decision or meeting.';
comment on column core.municipal_actions.decision_date is 'Date of the decision, or the day the meeting was held.';
comment on column core.municipal_actions.decision_body is 'kf (kommunfullmäktige), ks (kommunstyrelsen), committee (nämnd) or administration (förvaltning).';
comment on column core.municipal_actions.diarienummer is 'Registration number of the decision (NULL when none was given).';
comment on column core.municipal_actions.action_type is 'policy_strategy, budget_decision, procurement_guideline, dialogue_meeting, network_meeting, agreement_decision, staff_assignment, lead_review, follow_up or other.';
comment on column core.municipal_actions.title is 'Title as delivered (internal: never published).';
comment on column core.municipal_actions.description is 'What was decided or done, as delivered (internal: never published).';
comment on column core.municipal_actions.responsible_unit is 'Unit that answers for carrying it out (closed list: municipal_management, business_development, labour_market, social_services, procurement, culture_leisure, other); NULL: none named.';
comment on column core.municipal_actions.lacks_responsible_unit is 'True when no responsible unit is named (the report lists it under Att besluta).';
comment on column core.municipal_actions.budget_sek is 'Money set aside for the action, SEK (public record).';
comment on column core.municipal_actions.action_plan_area is 'Area of the regional action plan 2022-2025 (AP1, AP2a-AP2d, AP3) the action serves.';
comment on column core.municipal_actions.link is 'Address of the decision document, as delivered (internal).';
comment on column core.municipal_actions._file_id is 'Delivered file (meta.files.file_id).';
comment on column core.municipal_actions._row_number is 'Row number in that file.';
