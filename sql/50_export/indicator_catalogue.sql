-- export.indicator_catalogue: the indicator catalogue as delivered to the Region (indikatorer.csv):
-- one row per indicator with names, definitions (English and Swedish), units, disaggregations, action-plan areas, Agenda 2030
-- targets and their relation (proxy / context proxy), motion question and sources. Nothing here is
-- confidential. Grain: indicator_id. Sources: meta.indicator_catalogue (config/indicators.toml).
-- Action plan AP1 (statistics); Agenda 2030: the targets listed per indicator.
create or replace view export.indicator_catalogue as
with catalogue as (
    select * from meta.indicator_catalogue
),
final as (
    select
        indicator_id,
        name_sv,
        name_en,
        definition,
        definition_sv,
        units,
        disaggregations,
        action_plan_areas,
        action_plan_area_names_sv,
        sdg_targets,
        sdg_relation,
        context_for_indicator,
        motion_question,
        sources,
        kolada_kpi,
        view_name,
        target_breakdowns
    from catalogue
)
select * from final;
comment on view export.indicator_catalogue is 'The indicator catalogue as delivered (indikatorer.csv): one row per indicator SE01-SE20.';
comment on column export.indicator_catalogue.indicator_id is 'Indicator id (SE01-SE20).';
comment on column export.indicator_catalogue.name_sv is 'Name in Swedish.';
comment on column export.indicator_catalogue.name_en is 'Name in English.';
comment on column export.indicator_catalogue.definition is 'How the value is computed (English).';
comment on column export.indicator_catalogue.definition_sv is 'How the value is computed (Swedish).';
comment on column export.indicator_catalogue.units is 'Units, ''; ''-separated.';
comment on column export.indicator_catalogue.disaggregations is 'Disaggregations, ''; ''-separated.';
comment on column export.indicator_catalogue.action_plan_areas is 'Action-plan areas (AP1, AP2a-AP2d, AP3), ''; ''-separated.';
comment on column export.indicator_catalogue.action_plan_area_names_sv is 'Swedish names of the action-plan areas, same order.';
comment on column export.indicator_catalogue.sdg_targets is 'Agenda 2030 targets, ''; ''-separated (never official indicators).';
comment on column export.indicator_catalogue.sdg_relation is 'proxy or context proxy.';
comment on column export.indicator_catalogue.context_for_indicator is 'Official global indicator a context statistic stands in for; blank for own-data measures.';
comment on column export.indicator_catalogue.motion_question is 'Q1, Q2, Q1+Q2 or context.';
comment on column export.indicator_catalogue.sources is 'Sources, ''; ''-separated.';
comment on column export.indicator_catalogue.kolada_kpi is 'Kolada KPI id for context indicators.';
comment on column export.indicator_catalogue.view_name is 'The warehouse view computing the indicator.';
comment on column export.indicator_catalogue.target_breakdowns is 'The cells that speak for a target when only part of the indicator does (''8.6: age_band=16-24'').';
