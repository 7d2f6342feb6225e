-- export.report_indicator_values: the indicator values the council report shows: exactly
-- export.indicator_values (suppressed values, conf_status C or D, are blank; area names added) plus,
-- for each suppressed value, the reason in plain Swedish ("Uppgiften visas inte: färre än 5
-- personer"). The reason names the rule for the kind of measure, never the hidden value; thresholds
-- come from meta.parameters. It reads export.disclosure once, as export.indicator_values does, rather
-- than joining that view back to it (which would compute every indicator twice); tests check the two
-- views agree row for row. Grain: as export.indicator_values.
-- Sources: export.disclosure, meta.municipalities, meta.parameters.
create or replace view export.report_indicator_values as
with params as (
    select
        max(case when name = 'min_person_count' then cast(value as integer) end) as min_persons,
        max(case when name = 'min_enterprises' then cast(value as integer) end) as min_enterprises,
        max(case when name = 'dominance_share' then cast(value as double) end) as dominance_share
    from meta.parameters
),
disclosed as (
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
        d.updated_at,
        case
            when d.conf_status = 'D'
                then 'uppgiften skulle kunna räknas fram ur andra redovisade uppgifter'
            when d.conf_status = 'C' and d.measure = 'count_persons'
                then 'färre än ' || p.min_persons || ' personer'
            when d.conf_status = 'C' and d.measure = 'rate_persons'
                then 'andelen bygger på färre än ' || p.min_persons || ' personer'
            when d.conf_status = 'C' and d.measure = 'money'
                then 'färre än ' || p.min_enterprises || ' företag, eller ett företag står för mer än '
                     || cast(round(p.dominance_share * 100) as integer) || ' % av beloppet'
            when d.conf_status = 'C'
                then 'röjandekontroll'
        end as suppressed_reason
    from disclosed as d
    cross join params as p
    left join meta.municipalities as m on m.code = d.municipality_code
)
select * from final;
comment on view export.report_indicator_values is 'Disclosure-controlled indicator values with the reason a suppressed value is not shown, in Swedish (for the council report).';
comment on column export.report_indicator_values.indicator_id is 'Indicator id (SE01-SE20).';
comment on column export.report_indicator_values.municipality_code is 'Kommunkod, or the region''s code for county rows.';
comment on column export.report_indicator_values.municipality_name is 'Name of the municipality or region.';
comment on column export.report_indicator_values.period is 'Year or span of years.';
comment on column export.report_indicator_values.sex is 'T total, K women, M men.';
comment on column export.report_indicator_values.breakdown is 'Disaggregation name (total when none).';
comment on column export.report_indicator_values.breakdown_value is 'Disaggregation value (_T for the total).';
comment on column export.report_indicator_values.value is 'The value; blank when missing or suppressed.';
comment on column export.report_indicator_values.unit is 'Unit.';
comment on column export.report_indicator_values.obs_status is 'SDMX OBS_STATUS: A normal, P provisional, L not delivered, M cannot exist.';
comment on column export.report_indicator_values.note is 'Why the value is not A, in Swedish (as export.indicator_values).';
comment on column export.report_indicator_values.conf_status is 'SDMX CONF_STATUS: F free, C primary suppression, D secondary suppression.';
comment on column export.report_indicator_values.source is 'Source of the figure.';
comment on column export.report_indicator_values.updated_at is 'Date of the newest data.';
comment on column export.report_indicator_values.suppressed_reason is 'Why the value is not shown (conf_status C or D), in Swedish; NULL when shown.';
