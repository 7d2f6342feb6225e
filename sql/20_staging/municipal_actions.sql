-- staging.municipal_actions: the current rows of raw.municipal_actions.
-- Current = from a loaded delivery that no newer delivery for the same municipality, dataset and
-- period has superseded (meta.files.superseded_by is null; a full register: the newest delivery).
-- Renames nothing; keeps _file_id and _row_number so every figure can be traced to its file and row.
-- Grain: one delivered row.
create or replace view staging.municipal_actions as
with current_files as (
    select file_id from meta.files
    where dataset = 'municipal_actions' and status = 'loaded' and superseded_by is null
),
source as (
    select * from raw.municipal_actions
    where _file_id in (select file_id from current_files)
),
final as (
    select
        action_id,
        municipality_code,
        decision_date,
        decision_body,
        diarienummer,
        action_type,
        title,
        description,
        responsible_unit,
        budget_sek,
        action_plan_area,
        link,
        _file_id,
        _row_number
    from source
)
select * from final;
comment on view staging.municipal_actions is 'Current (not superseded) rows of raw.municipal_actions.';
comment on column staging.municipal_actions.action_id is 'The municipality''s id of the action.';
comment on column staging.municipal_actions.municipality_code is 'Municipality code.';
comment on column staging.municipal_actions.decision_date is 'Date of the decision or meeting.';
comment on column staging.municipal_actions.decision_body is 'kf, ks, committee or administration.';
comment on column staging.municipal_actions.diarienummer is 'Registration number of the decision.';
comment on column staging.municipal_actions.action_type is 'Kind of action.';
comment on column staging.municipal_actions.title is 'Title (internal).';
comment on column staging.municipal_actions.description is 'Description (internal).';
comment on column staging.municipal_actions.responsible_unit is 'Responsible unit (closed list); NULL: none named.';
comment on column staging.municipal_actions.budget_sek is 'Budget, SEK.';
comment on column staging.municipal_actions.action_plan_area is 'Area of the regional action plan.';
comment on column staging.municipal_actions.link is 'Address of the decision document (internal).';
comment on column staging.municipal_actions._file_id is 'File the row came from (meta.files.file_id).';
comment on column staging.municipal_actions._row_number is 'Data row number in the delivered file (1 = first row after the header).';
