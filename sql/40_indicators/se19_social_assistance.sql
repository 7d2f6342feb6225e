-- indicators.se19_social_assistance (SE19): context statistic from Kolada (RKA), KPI N31807
-- 'Invånare som någon gång under året erhållit ekonomiskt bistånd, andel (%) av bef.': residents who received social assistance during the year, as published, per municipality and year, total only (T). County rows are Kolada's own
-- value for the region (area 0018), not computed from the municipalities: these are published
-- statistics, so measure = context and socek never suppresses them. Kolada values reported as
-- deleted are excluded (core.kolada_values). A value Kolada does not (yet) have is NULL with
-- obs_status L; values from a provisional Kolada source (fallback or stale snapshot) are P.
-- Grain: municipality_code, period, sex.
-- Sources: core.kolada_context (shared by SE16-SE20) on core.kolada_values (Kolada API v3). Källa: Kolada (RKA).
-- Action plan AP1; Agenda 2030 target 10.2 (context proxy; not 10.2.1); motion question: context.
create or replace view indicators.se19_social_assistance as
-- the shared logic of the Kolada context indicators lives in core.kolada_context
select * exclude (kpi_id) from core.kolada_context where indicator_id = 'SE19';
comment on view indicators.se19_social_assistance is 'SE19 Kolada N31807 (residents who received social assistance during the year) as published, per municipality and year; county rows are Kolada''s region value. Källa: Kolada (RKA).';
comment on column indicators.se19_social_assistance.indicator_id is 'Indicator id (SE19).';
comment on column indicators.se19_social_assistance.municipality_code is 'Kommunkod, or the region''s code (0018) for Kolada''s region value.';
comment on column indicators.se19_social_assistance.period is 'Calendar year.';
comment on column indicators.se19_social_assistance.sex is 'T: Kolada publishes no split by sex for this KPI.';
comment on column indicators.se19_social_assistance.breakdown is 'total.';
comment on column indicators.se19_social_assistance.breakdown_value is '_T.';
comment on column indicators.se19_social_assistance.value is 'Value as published by Kolada; NULL when Kolada has none.';
comment on column indicators.se19_social_assistance.unit is '%.';
comment on column indicators.se19_social_assistance.obs_status is 'A normal; P provisional Kolada source; L Kolada has no value.';
comment on column indicators.se19_social_assistance.source is 'Kolada.';
comment on column indicators.se19_social_assistance.measure is 'context: published statistics, not suppressed by socek.';
comment on column indicators.se19_social_assistance.numerator is 'NULL (published value only).';
comment on column indicators.se19_social_assistance.denominator is 'NULL (published value only).';
comment on column indicators.se19_social_assistance.n_units is 'NULL (not an enterprise aggregate).';
comment on column indicators.se19_social_assistance.top_share is 'NULL (not a money aggregate).';
