-- indicators.all_values: every indicator view in one long format (DESIGN §5), unsuppressed, with the
-- helper columns disclosure control needs. Internal: analysts with access see true values here;
-- what leaves the warehouse goes through export.indicator_values. Adding an indicator = adding its
-- view here (a test checks every indicators.se* view is listed).
-- Grain: indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit.
create or replace view indicators.all_values as
with unioned as (
    select * from indicators.se01_active_social_enterprises
),
final as (
    select
        u.indicator_id,
        u.municipality_code,
        u.period,
        u.sex,
        u.breakdown,
        u.breakdown_value,
        u.value,
        u.unit,
        u.obs_status,
        u.source,
        (select as_of from core.data_as_of) as updated_at,
        u.measure,
        u.numerator,
        u.denominator,
        u.n_units,
        u.top_share
    from unioned as u
)
select * from final;
comment on view indicators.all_values is 'All indicator values in the long format, unsuppressed, with the helper columns for disclosure control.';
comment on column indicators.all_values.indicator_id is 'Indicator id (SE01-SE20), see meta.indicator_catalogue.';
comment on column indicators.all_values.municipality_code is 'Kommunkod, or the region''s code (0018) for county rows.';
comment on column indicators.all_values.period is 'Calendar year, or a span of years (YYYY-YYYY) for multi-year cohorts.';
comment on column indicators.all_values.sex is 'T total, K women, M men.';
comment on column indicators.all_values.breakdown is 'Name of the disaggregation (total when none).';
comment on column indicators.all_values.breakdown_value is 'Value of the disaggregation (_T for the total).';
comment on column indicators.all_values.value is 'The unsuppressed value; NULL when missing (see obs_status).';
comment on column indicators.all_values.unit is 'Unit of the value (count, SEK, %, per 10 000 inhabitants ...).';
comment on column indicators.all_values.obs_status is 'SDMX OBS_STATUS: A normal, P provisional, L not delivered, M cannot exist.';
comment on column indicators.all_values.source is 'Source of the figure.';
comment on column indicators.all_values.updated_at is 'Date of the newest data behind the warehouse.';
comment on column indicators.all_values.measure is 'Kind of measure for disclosure control: count_persons, rate_persons, money, count_enterprises, rate, context.';
comment on column indicators.all_values.numerator is 'Numerator of a rate (or the count itself).';
comment on column indicators.all_values.denominator is 'Denominator of a rate.';
comment on column indicators.all_values.n_units is 'Number of enterprises contributing (for the money rules).';
comment on column indicators.all_values.top_share is 'Share of the total from the largest single enterprise (dominance rule).';
