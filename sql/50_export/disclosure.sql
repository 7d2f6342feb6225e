-- export.disclosure: the confidentiality status of every indicator value (DESIGN §6), SDMX CONF_STATUS
-- F free, C primary suppression. Primary rules: a person count of 1-4; a rate whose numerator or
-- denominator is 1-4 persons; a money aggregate over fewer than min_enterprises enterprises or with
-- one enterprise above dominance_share of the total. Thresholds come from meta.parameters.
-- Grain: as indicators.all_values.
create or replace view export.disclosure as
with params as (
    select
        max(case when name = 'min_person_count' then cast(value as double) end) as min_persons,
        max(case when name = 'min_enterprises' then cast(value as double) end) as min_enterprises,
        max(case when name = 'dominance_share' then cast(value as double) end) as dominance_share
    from meta.parameters
),
primary_rule as (
    select
        v.*,
        case
            when v.value is null then 'F'
            when v.measure = 'count_persons' and v.value > 0 and v.value < p.min_persons then 'C'
            when v.measure = 'rate_persons'
                 and ((v.numerator > 0 and v.numerator < p.min_persons)
                      or (v.denominator > 0 and v.denominator < p.min_persons)) then 'C'
            when v.measure = 'money'
                 and ((v.n_units > 0 and v.n_units < p.min_enterprises)
                      or v.top_share > p.dominance_share) then 'C'
            else 'F'
        end as conf_status
    from indicators.all_values as v, params as p
),
final as (
    select * from primary_rule
)
select * from final;
comment on view export.disclosure is 'Every indicator value with its confidentiality status (CONF_STATUS F/C/D) under the rules of DESIGN §6.';
comment on column export.disclosure.indicator_id is 'Indicator id.';
comment on column export.disclosure.municipality_code is 'Kommunkod or the region''s code.';
comment on column export.disclosure.period is 'Year or span of years.';
comment on column export.disclosure.sex is 'T, K or M.';
comment on column export.disclosure.breakdown is 'Disaggregation name.';
comment on column export.disclosure.breakdown_value is 'Disaggregation value.';
comment on column export.disclosure.value is 'Unsuppressed value (internal).';
comment on column export.disclosure.unit is 'Unit.';
comment on column export.disclosure.obs_status is 'SDMX OBS_STATUS.';
comment on column export.disclosure.source is 'Source.';
comment on column export.disclosure.updated_at is 'Date of the newest data.';
comment on column export.disclosure.measure is 'Kind of measure for the rules.';
comment on column export.disclosure.numerator is 'Numerator.';
comment on column export.disclosure.denominator is 'Denominator.';
comment on column export.disclosure.n_units is 'Contributing enterprises.';
comment on column export.disclosure.top_share is 'Largest single contributor''s share.';
comment on column export.disclosure.conf_status is 'SDMX CONF_STATUS: F free, C primary suppression, D secondary suppression.';
