-- indicators.indicator_values: the long-format table of every indicator value (DESIGN §5),
-- materialised at publish so analysts' queries are fast. Values are unsuppressed (internal);
-- conf_status tells what the export does with each one. Grain: indicator_id, municipality_code,
-- period, sex, breakdown, breakdown_value, unit. Sources: export.disclosure.
-- Action plan AP1 (statistics); Agenda 2030: all targets (proxies), see indicators.by_sdg_target.
create or replace table indicators.indicator_values as
with final as (
    select
        indicator_id, municipality_code, period, sex, breakdown, breakdown_value,
        value, unit, obs_status, note, conf_status, source, updated_at
    from export.disclosure
    order by indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit
)
select * from final;
comment on table indicators.indicator_values is 'Every indicator value in the long format (DESIGN §5), unsuppressed; conf_status says what the export suppresses.';
comment on column indicators.indicator_values.indicator_id is 'Indicator id (SE01-SE20), see meta.indicator_catalogue.';
comment on column indicators.indicator_values.municipality_code is 'Kommunkod, or the region''s code (0018) for county rows.';
comment on column indicators.indicator_values.period is 'Calendar year, or a span of years (YYYY-YYYY).';
comment on column indicators.indicator_values.sex is 'T total, K women, M men.';
comment on column indicators.indicator_values.breakdown is 'Disaggregation name (total when none).';
comment on column indicators.indicator_values.breakdown_value is 'Disaggregation value (_T for the total).';
comment on column indicators.indicator_values.value is 'The value, unsuppressed (internal use); NULL when missing.';
comment on column indicators.indicator_values.unit is 'Unit of the value.';
comment on column indicators.indicator_values.obs_status is 'SDMX OBS_STATUS: A normal, P provisional, L not delivered, M cannot exist.';
comment on column indicators.indicator_values.note is 'Why the value is not A (provisional or missing), in Swedish: which delivery is missing, partial or lost rows.';
comment on column indicators.indicator_values.conf_status is 'SDMX CONF_STATUS applied on export: F free, C primary, D secondary suppression.';
comment on column indicators.indicator_values.source is 'Source of the figure.';
comment on column indicators.indicator_values.updated_at is 'Date of the newest data behind the value.';
