-- indicators.by_action_plan_area: every indicator value under each area of Region Örebro län's
-- action plan for civil society and the social economy 2022-2025 its indicator follows up (an
-- indicator with two areas appears under both), with the area's Swedish name. Internal,
-- unsuppressed like indicators.indicator_values; conf_status says what the export suppresses.
-- Grain: action_plan_area, indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit.
-- Sources: indicators.indicator_values, meta.indicator_catalogue.
-- Action plan AP1, AP2a-AP2d, AP3; Agenda 2030: see sdg_targets.
create or replace view indicators.by_action_plan_area as
with catalogue as (
    -- the two lists are in the same order, so unnesting them side by side pairs code and name
    select
        indicator_id, name_sv, name_en, sdg_targets, motion_question,
        unnest(string_split(action_plan_areas, '; ')) as action_plan_area,
        unnest(string_split(action_plan_area_names_sv, '; ')) as action_plan_area_name_sv
    from meta.indicator_catalogue
),
final as (
    select
        c.action_plan_area,
        c.action_plan_area_name_sv,
        v.indicator_id,
        c.name_sv,
        c.name_en,
        c.sdg_targets,
        c.motion_question,
        v.municipality_code,
        v.period,
        v.sex,
        v.breakdown,
        v.breakdown_value,
        v.value,
        v.unit,
        v.obs_status,
        v.conf_status,
        v.source,
        v.updated_at
    from indicators.indicator_values as v
    join catalogue as c on c.indicator_id = v.indicator_id
)
select * from final;
comment on view indicators.by_action_plan_area is 'Indicator values grouped under the regional action-plan areas (AP1, AP2a-AP2d, AP3) they follow up; internal, unsuppressed.';
comment on column indicators.by_action_plan_area.action_plan_area is 'Action-plan area code: AP1, AP2a, AP2b, AP2c, AP2d or AP3.';
comment on column indicators.by_action_plan_area.action_plan_area_name_sv is 'Swedish name of the action-plan area.';
comment on column indicators.by_action_plan_area.indicator_id is 'Indicator id (SE01-SE20).';
comment on column indicators.by_action_plan_area.name_sv is 'Indicator name in Swedish.';
comment on column indicators.by_action_plan_area.name_en is 'Indicator name in English.';
comment on column indicators.by_action_plan_area.sdg_targets is 'Agenda 2030 targets of the indicator, ''; ''-separated.';
comment on column indicators.by_action_plan_area.motion_question is 'Motion question answered: Q1, Q2, Q1+Q2 or context.';
comment on column indicators.by_action_plan_area.municipality_code is 'Kommunkod, or the region''s code for county rows.';
comment on column indicators.by_action_plan_area.period is 'Calendar year, or a span of years.';
comment on column indicators.by_action_plan_area.sex is 'T total, K women, M men.';
comment on column indicators.by_action_plan_area.breakdown is 'Disaggregation name (total when none).';
comment on column indicators.by_action_plan_area.breakdown_value is 'Disaggregation value (_T for the total).';
comment on column indicators.by_action_plan_area.value is 'The value, unsuppressed (internal use).';
comment on column indicators.by_action_plan_area.unit is 'Unit of the value.';
comment on column indicators.by_action_plan_area.obs_status is 'SDMX OBS_STATUS: A, P, L, M.';
comment on column indicators.by_action_plan_area.conf_status is 'SDMX CONF_STATUS applied on export: F, C, D.';
comment on column indicators.by_action_plan_area.source is 'Source of the figure.';
comment on column indicators.by_action_plan_area.updated_at is 'Date of the newest data behind the value.';
