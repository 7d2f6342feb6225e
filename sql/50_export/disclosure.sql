-- export.disclosure: every indicator value with its confidentiality status (DESIGN §6), SDMX
-- CONF_STATUS F free, C primary suppression, D secondary suppression. The status is decided after the
-- transform by disclosure control (flows/outputs/disclosure/control.py, docs/disclosure.md) over one
-- model of everything socek publishes -- every municipality's and the county's delivery and the
-- figures of the council reports -- with the linear relations an outsider knows (T = K + M,
-- breakdowns, county sums, shares of one base, named enterprises' parts), and proven by an audit
-- that solves the attacker's linear programs; indicators.cell_status holds the result. A value
-- without a decision is hidden (C): disclosure control failing must never publish a cell.
-- Grain: as indicators.all_values. Sources: indicators.all_values, indicators.cell_status.
-- Action plan AP1 (statistics that can be shared); Agenda 2030: all targets (proxies).
create or replace view export.disclosure as
select
    v.indicator_id,
    v.municipality_code,
    v.period,
    v.sex,
    v.breakdown,
    v.breakdown_value,
    v.value,
    v.unit,
    v.obs_status,
    v.note,
    v.source,
    v.updated_at,
    v.measure,
    v.numerator,
    v.denominator,
    v.persons,
    v.n_units,
    v.top_share,
    case when v.value is null then 'F' else coalesce(s.conf_status, 'C') end as conf_status
from indicators.all_values as v
left join indicators.cell_status as s
  using (indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit);
comment on view export.disclosure is 'Every indicator value with its confidentiality status (CONF_STATUS F/C/D) as disclosure control decided it (indicators.cell_status); a value without a decision is hidden.';
comment on column export.disclosure.indicator_id is 'Indicator id.';
comment on column export.disclosure.municipality_code is 'Kommunkod or the region''s code.';
comment on column export.disclosure.period is 'Year or span of years.';
comment on column export.disclosure.sex is 'T, K or M.';
comment on column export.disclosure.breakdown is 'Disaggregation name.';
comment on column export.disclosure.breakdown_value is 'Disaggregation value.';
comment on column export.disclosure.value is 'Unsuppressed value (internal).';
comment on column export.disclosure.unit is 'Unit.';
comment on column export.disclosure.obs_status is 'SDMX OBS_STATUS.';
comment on column export.disclosure.note is 'Why the value is not A, in words.';
comment on column export.disclosure.source is 'Source.';
comment on column export.disclosure.updated_at is 'Date of the newest data.';
comment on column export.disclosure.measure is 'Kind of measure for the rules.';
comment on column export.disclosure.numerator is 'Numerator.';
comment on column export.disclosure.persons is 'Persons behind a person-based value.';
comment on column export.disclosure.denominator is 'Denominator.';
comment on column export.disclosure.n_units is 'Contributing enterprises.';
comment on column export.disclosure.top_share is 'Largest single contributor''s share.';
comment on column export.disclosure.conf_status is 'SDMX CONF_STATUS: F free, C primary suppression, D secondary suppression.';
