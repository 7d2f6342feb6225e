-- export.indicator_values: what leaves the warehouse (regional delivery, council report). Values
-- with conf_status C or D are blank; helper columns that could reveal them are dropped; area names
-- added. Grain: as indicators.all_values. Sources: export.disclosure, meta.municipalities.
-- Action plan AP1 (statistics shared with the Region); Agenda 2030: all targets (proxies).
create or replace view export.indicator_values as
with disclosed as (
    select * from export.disclosure
),
final as (
    select
        d.indicator_id,
        d.municipality_code,
        m.name as municipality_name,
        d.period,
        d.sex,
        d.breakdown,
        d.breakdown_value,
        case when d.conf_status = 'F' then d.value end as value,
        d.unit,
        d.obs_status,
        d.note,
        d.conf_status,
        d.source,
        d.updated_at
    from disclosed as d
    left join meta.municipalities as m on m.code = d.municipality_code
)
select * from final;
comment on view export.indicator_values is 'Disclosure-controlled indicator values: suppressed values (conf_status C or D) are blank.';
comment on column export.indicator_values.indicator_id is 'Indicator id (SE01-SE20).';
comment on column export.indicator_values.municipality_code is 'Kommunkod, or the region''s code for county rows.';
comment on column export.indicator_values.municipality_name is 'Name of the municipality or region.';
comment on column export.indicator_values.period is 'Year or span of years.';
comment on column export.indicator_values.sex is 'T total, K women, M men.';
comment on column export.indicator_values.breakdown is 'Disaggregation name (total when none).';
comment on column export.indicator_values.breakdown_value is 'Disaggregation value (_T for the total).';
comment on column export.indicator_values.value is 'The value; blank when missing or suppressed.';
comment on column export.indicator_values.unit is 'Unit.';
comment on column export.indicator_values.obs_status is 'SDMX OBS_STATUS: A normal, P provisional, L not delivered, M cannot exist.';
comment on column export.indicator_values.note is 'Why the value is not A (provisional or missing), in Swedish: which delivery is missing, partial or lost rows.';
comment on column export.indicator_values.conf_status is 'SDMX CONF_STATUS: F free, C primary suppression, D secondary suppression.';
comment on column export.indicator_values.source is 'Source of the figure.';
comment on column export.indicator_values.updated_at is 'Date of the newest data.';
