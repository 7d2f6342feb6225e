-- indicators.all_values: every indicator view in one long format (DESIGN §5), unsuppressed, with the
-- helper columns disclosure control needs. Internal: analysts with access see true values here;
-- what leaves the warehouse goes through export.indicator_values. Adding an indicator = adding its
-- view here (a test checks every indicators.se* view is listed).
-- Materialised once per run (a table filled view by view): a single 20-way union of the indicator
-- views makes DuckDB 2.0's optimizer (projection pull-up) take seconds to plan, and every export
-- view and report reads this table several times. updated_at is the date of the newest loaded data.
-- Grain: indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit.
-- Sources: the twenty views indicators.se01_... to indicators.se20_..., core.data_as_of.
-- Action plan: all areas (AP1 statistics); Agenda 2030: see meta.indicator_catalogue.
create or replace table indicators.all_values (
    indicator_id varchar,
    municipality_code varchar,
    period varchar,
    sex varchar,
    breakdown varchar,
    breakdown_value varchar,
    value double,
    unit varchar,
    obs_status varchar,
    source varchar,
    updated_at date,
    measure varchar,
    numerator double,
    denominator double,
    n_units bigint,
    top_share double
);
insert into indicators.all_values by name
with final as (select *, (select as_of from core.data_as_of) as updated_at from indicators.se01_active_social_enterprises)
select * from final;
insert into indicators.all_values by name
with final as (select *, (select as_of from core.data_as_of) as updated_at from indicators.se02_new_social_enterprises)
select * from final;
insert into indicators.all_values by name
with final as (select *, (select as_of from core.data_as_of) as updated_at from indicators.se03_survival_3_years)
select * from final;
insert into indicators.all_values by name
with final as (select *, (select as_of from core.data_as_of) as updated_at from indicators.se04_purchases_from_social_enterprises)
select * from final;
insert into indicators.all_values by name
with final as (select *, (select as_of from core.data_as_of) as updated_at from indicators.se05_social_enterprises_as_suppliers)
select * from final;
insert into indicators.all_values by name
with final as (select *, (select as_of from core.data_as_of) as updated_at from indicators.se06_reserved_procurements)
select * from final;
insert into indicators.all_values by name
with final as (select *, (select as_of from core.data_as_of) as updated_at from indicators.se07_procurements_with_social_requirements)
select * from final;
insert into indicators.all_values by name
with final as (select *, (select as_of from core.data_as_of) as updated_at from indicators.se08_partnership_agreements)
select * from final;
insert into indicators.all_values by name
with final as (select *, (select as_of from core.data_as_of) as updated_at from indicators.se09_financial_support)
select * from final;
insert into indicators.all_values by name
with final as (select *, (select as_of from core.data_as_of) as updated_at from indicators.se10_support_activities)
select * from final;
insert into indicators.all_values by name
with final as (select *, (select as_of from core.data_as_of) as updated_at from indicators.se11_public_revenue_share)
select * from final;
insert into indicators.all_values by name
with final as (select *, (select as_of from core.data_as_of) as updated_at from indicators.se12_persons_in_work_integration)
select * from final;
insert into indicators.all_values by name
with final as (select *, (select as_of from core.data_as_of) as updated_at from indicators.se13_employees)
select * from final;
insert into indicators.all_values by name
with final as (select *, (select as_of from core.data_as_of) as updated_at from indicators.se14_municipality_referred_participants)
select * from final;
insert into indicators.all_values by name
with final as (select *, (select as_of from core.data_as_of) as updated_at from indicators.se15_transitions_to_work_or_studies)
select * from final;
insert into indicators.all_values by name
with final as (select *, (select as_of from core.data_as_of) as updated_at from indicators.se16_long_term_unemployment)
select * from final;
insert into indicators.all_values by name
with final as (select *, (select as_of from core.data_as_of) as updated_at from indicators.se17_employment_rate)
select * from final;
insert into indicators.all_values by name
with final as (select *, (select as_of from core.data_as_of) as updated_at from indicators.se18_youth_neet)
select * from final;
insert into indicators.all_values by name
with final as (select *, (select as_of from core.data_as_of) as updated_at from indicators.se19_social_assistance)
select * from final;
insert into indicators.all_values by name
with final as (select *, (select as_of from core.data_as_of) as updated_at from indicators.se20_new_firms)
select * from final;
comment on table indicators.all_values is 'All indicator values in the long format, unsuppressed, with the helper columns for disclosure control.';
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
comment on column indicators.all_values.measure is 'Kind of measure for disclosure control: count_persons (person counts), rate_persons (rates over persons), money (SEK enterprise aggregates; procurement estimates carry no n_units), count_enterprises (non-person counts), rate (non-person rates), context (published statistics, never suppressed).';
comment on column indicators.all_values.numerator is 'Numerator of a rate (or the count itself).';
comment on column indicators.all_values.denominator is 'Denominator of a rate.';
comment on column indicators.all_values.n_units is 'Number of enterprises contributing (for the money rules).';
comment on column indicators.all_values.top_share is 'Share of the total from the largest single enterprise (dominance rule).';
