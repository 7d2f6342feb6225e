-- indicators.se20_new_firms (SE20): context statistic from Kolada (RKA), KPI N00999
-- 'Nystartade företag, antal/1000 inv, 16-64 år': new firms per 1 000 inhabitants 16-64 (the denominator for reading SE02), as published, per municipality and year, total only (T). County rows are Kolada's own
-- value for the region (area 0018), not computed from the municipalities: these are published
-- statistics, so measure = context and socek never suppresses them. Kolada values reported as
-- deleted are excluded (core.kolada_values). A value Kolada does not (yet) have is NULL with
-- obs_status L; values from a provisional Kolada source (fallback or stale snapshot) are P.
-- Grain: municipality_code, period, sex.
-- Sources: core.kolada_context (shared by SE16-SE20) on core.kolada_values (Kolada API v3). Källa: Kolada (RKA).
-- Action plan AP1; Agenda 2030 target 8.3 (context proxy); motion question: context.
create or replace view indicators.se20_new_firms as
-- the shared logic of the Kolada context indicators lives in core.kolada_context
select * exclude (kpi_id) from core.kolada_context where indicator_id = 'SE20';
comment on view indicators.se20_new_firms is 'SE20 Kolada N00999 (new firms per 1 000 inhabitants 16-64) as published, per municipality and year; county rows are Kolada''s region value. Källa: Kolada (RKA).';
comment on column indicators.se20_new_firms.indicator_id is 'Indicator id (SE20).';
comment on column indicators.se20_new_firms.municipality_code is 'Kommunkod, or the region''s code (0018) for Kolada''s region value.';
comment on column indicators.se20_new_firms.period is 'Calendar year.';
comment on column indicators.se20_new_firms.sex is 'T: Kolada publishes no split by sex for this KPI.';
comment on column indicators.se20_new_firms.breakdown is 'total.';
comment on column indicators.se20_new_firms.breakdown_value is '_T.';
comment on column indicators.se20_new_firms.value is 'Value as published by Kolada; NULL when Kolada has none.';
comment on column indicators.se20_new_firms.unit is 'per 1 000 inhabitants 16-64.';
comment on column indicators.se20_new_firms.obs_status is 'A normal; P provisional Kolada source; L Kolada has no value.';
comment on column indicators.se20_new_firms.source is 'Kolada.';
comment on column indicators.se20_new_firms.measure is 'context: published statistics, not suppressed by socek.';
comment on column indicators.se20_new_firms.numerator is 'NULL (published value only).';
comment on column indicators.se20_new_firms.denominator is 'NULL (published value only).';
comment on column indicators.se20_new_firms.n_units is 'NULL (not an enterprise aggregate).';
comment on column indicators.se20_new_firms.top_share is 'NULL (not a money aggregate).';
