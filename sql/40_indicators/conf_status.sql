-- indicators.cell_status and indicators.cooperation_status: the CONF_STATUS disclosure control
-- decided for every indicator value (grain of indicators.all_values) and for every person-based
-- figure of the cooperation timeline (grain of indicators.cooperation_timeline). Created empty by
-- the transform and filled by the disclosure step that follows it (flows/outputs/disclosure/control.py:
-- primary rules, secondary suppression over one model of everything published, and the audit that
-- proves no suppressed figure can be narrowed below its protection interval); see docs/disclosure.md.
-- The export views read them and hide what has no decision (fail closed).
-- Action plan AP1 (statistics that can be shared); Agenda 2030: all targets (proxies).
-- column comments from indicators.all_values
create or replace table indicators.cell_status (
    indicator_id varchar,
    municipality_code varchar,
    period varchar,
    sex varchar,
    breakdown varchar,
    breakdown_value varchar,
    unit varchar,
    conf_status varchar,
    primary key (indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit)
);
create or replace table indicators.cooperation_status (
    municipality_code varchar,
    org_nr varchar,
    event_type varchar,
    event_kind varchar,
    period varchar,
    event_id varchar,
    conf_status varchar
);
comment on table indicators.cell_status is 'CONF_STATUS of every indicator value, decided by the disclosure step after the transform (F free, C primary, D secondary suppression).';
comment on column indicators.cell_status.conf_status is 'SDMX CONF_STATUS: F free, C primary suppression, D secondary suppression.';
comment on table indicators.cooperation_status is 'CONF_STATUS of every person-based figure of the cooperation timeline, decided by the disclosure step with the indicators.';
comment on column indicators.cooperation_status.municipality_code is 'Kommunkod of the cooperating municipality.';
comment on column indicators.cooperation_status.org_nr is 'Organisation number of the enterprise.';
comment on column indicators.cooperation_status.event_type is 'placements or support_activity.';
comment on column indicators.cooperation_status.event_kind is 'Placement measure or activity type.';
comment on column indicators.cooperation_status.period is 'The year, or YYYY-YYYY for a total over the enterprise''s years.';
comment on column indicators.cooperation_status.event_id is 'The support activity''s id; NULL for placement figures.';
comment on column indicators.cooperation_status.conf_status is 'SDMX CONF_STATUS: F free, C primary suppression, D secondary suppression.';
