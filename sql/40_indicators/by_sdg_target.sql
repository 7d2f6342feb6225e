-- indicators.by_sdg_target: every indicator value under each Agenda 2030 target its indicator is
-- mapped to (an indicator with two targets appears under both), with the relation to the target:
-- proxy (own data) or context proxy (published statistics). Internal, unsuppressed like
-- indicators.indicator_values; conf_status says what the export suppresses.
-- Grain: sdg_target, indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit.
-- Sources: indicators.indicator_values, meta.indicator_catalogue.
-- Action plan AP1 (statistics); Agenda 2030 targets 8.3, 8.5, 8.6, 10.2, 12.7, 17.17.
create or replace view indicators.by_sdg_target as
with catalogue as (
    select
        indicator_id, name_sv, name_en, sdg_relation, context_for_indicator, motion_question,
        unnest(string_split(sdg_targets, '; ')) as sdg_target
    from meta.indicator_catalogue
),
final as (
    select
        c.sdg_target,
        c.sdg_relation,
        c.context_for_indicator,
        v.indicator_id,
        c.name_sv,
        c.name_en,
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
comment on view indicators.by_sdg_target is 'Indicator values grouped under the Agenda 2030 targets they are proxies for (from meta.indicator_catalogue); internal, unsuppressed.';
comment on column indicators.by_sdg_target.sdg_target is 'Agenda 2030 target (8.3, 8.5, 8.6, 10.2, 12.7, 17.17).';
comment on column indicators.by_sdg_target.sdg_relation is 'proxy (own data) or context proxy (published statistics); never the official indicator.';
comment on column indicators.by_sdg_target.context_for_indicator is 'Official global indicator a context statistic stands in for; NULL for own data.';
comment on column indicators.by_sdg_target.indicator_id is 'Indicator id (SE01-SE20).';
comment on column indicators.by_sdg_target.name_sv is 'Indicator name in Swedish.';
comment on column indicators.by_sdg_target.name_en is 'Indicator name in English.';
comment on column indicators.by_sdg_target.motion_question is 'Motion question answered: Q1, Q2, Q1+Q2 or context.';
comment on column indicators.by_sdg_target.municipality_code is 'Kommunkod, or the region''s code for county rows.';
comment on column indicators.by_sdg_target.period is 'Calendar year, or a span of years.';
comment on column indicators.by_sdg_target.sex is 'T total, K women, M men.';
comment on column indicators.by_sdg_target.breakdown is 'Disaggregation name (total when none).';
comment on column indicators.by_sdg_target.breakdown_value is 'Disaggregation value (_T for the total).';
comment on column indicators.by_sdg_target.value is 'The value, unsuppressed (internal use).';
comment on column indicators.by_sdg_target.unit is 'Unit of the value.';
comment on column indicators.by_sdg_target.obs_status is 'SDMX OBS_STATUS: A, P, L, M.';
comment on column indicators.by_sdg_target.conf_status is 'SDMX CONF_STATUS applied on export: F, C, D.';
comment on column indicators.by_sdg_target.source is 'Source of the figure.';
comment on column indicators.by_sdg_target.updated_at is 'Date of the newest data behind the value.';
