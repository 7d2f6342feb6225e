-- meta.indicator_catalogue: the indicator catalogue SE01-SE20 (DESIGN §5), written by each run from
-- config/indicators.toml (flows/catalogue.py validates it strictly first). One row per indicator;
-- list-valued keys are joined with '; ' (split them with string_split(x, '; ')).
-- Grain: indicator_id. Action plan: all areas (AP1 asks for the statistics); SDG: see sdg_targets.
create table if not exists meta.indicator_catalogue (
    indicator_id varchar primary key,
    name_sv varchar,
    name_en varchar,
    definition varchar,
    definition_sv varchar,
    units varchar,
    disaggregations varchar,
    action_plan_areas varchar,
    action_plan_area_names_sv varchar,
    sdg_targets varchar,
    sdg_relation varchar,
    context_for_indicator varchar,
    motion_question varchar,
    sources varchar,
    kolada_kpi varchar,
    view_name varchar,
    target_breakdowns varchar,
    datasets varchar
);
alter table meta.indicator_catalogue add column if not exists target_breakdowns varchar;
alter table meta.indicator_catalogue add column if not exists datasets varchar;
alter table meta.indicator_catalogue add column if not exists definition_sv varchar;
comment on table meta.indicator_catalogue is 'The indicator catalogue SE01-SE20 from config/indicators.toml: names, definitions, units, action-plan areas, Agenda 2030 targets (proxies), motion questions, sources.';
comment on column meta.indicator_catalogue.indicator_id is 'Indicator id (SE01-SE20); the indicator_id of indicators.indicator_values.';
comment on column meta.indicator_catalogue.name_sv is 'Name in Swedish.';
comment on column meta.indicator_catalogue.name_en is 'Name in English.';
comment on column meta.indicator_catalogue.definition is 'How the value is computed (population, formula, reference date), in English.';
comment on column meta.indicator_catalogue.definition_sv is 'The definition in Swedish (delivered in indikatorer.csv, printed in the reports).';
comment on column meta.indicator_catalogue.units is 'Units the indicator is published in, ''; ''-separated (matches indicator_values.unit).';
comment on column meta.indicator_catalogue.disaggregations is 'Disaggregations, ''; ''-separated (municipality, year, sex and the breakdown names used in indicator_values.breakdown).';
comment on column meta.indicator_catalogue.action_plan_areas is 'Regional action plan 2022-2025 areas (AP1, AP2a-AP2d, AP3), ''; ''-separated.';
comment on column meta.indicator_catalogue.action_plan_area_names_sv is 'Swedish names of the action-plan areas, in the same order as action_plan_areas.';
comment on column meta.indicator_catalogue.sdg_targets is 'Agenda 2030 targets (e.g. 8.5), ''; ''-separated; never an official global indicator.';
comment on column meta.indicator_catalogue.sdg_relation is 'proxy (own data standing in for the target) or context proxy (published statistics describing the context).';
comment on column meta.indicator_catalogue.context_for_indicator is 'Official global indicator a context statistic stands in for (e.g. 8.5.2); NULL for own-data measures.';
comment on column meta.indicator_catalogue.motion_question is 'Motion question answered: Q1 (work to get more social enterprises), Q2 (the cooperation started in 2022), Q1+Q2, or context.';
comment on column meta.indicator_catalogue.sources is 'Sources of the figures, ''; ''-separated.';
comment on column meta.indicator_catalogue.kolada_kpi is 'Kolada KPI id for context indicators; NULL otherwise.';
comment on column meta.indicator_catalogue.view_name is 'The view that computes the indicator (indicators.seNN_...).';
comment on column meta.indicator_catalogue.datasets is 'Inbox datasets the indicator is computed from (''; ''-separated; supplier_matching = the ledger''s suppliers identified): its coverage. Empty for context indicators.';
comment on column meta.indicator_catalogue.target_breakdowns is 'The cells that speak for a target when only part of the indicator does (''8.6: age_band=16-24''), ''; ''-separated.';
