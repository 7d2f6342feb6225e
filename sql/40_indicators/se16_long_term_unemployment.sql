-- indicators.se16_long_term_unemployment (SE16): context statistic from Kolada (RKA), KPI N03926
-- 'Långtidsarbetslöshet 25-64 år, andel (%)': long-term unemployment 25-64 (share of residents 25-64 openly unemployed or in programme for 6 months or more; Arbetsförmedlingen), as published, per municipality and year, by sex (T, K, M) where Kolada publishes K/M. County rows are Kolada's own
-- value for the region (area 0018), not computed from the municipalities: these are published
-- statistics, so measure = context and socek never suppresses them. Kolada values reported as
-- deleted are excluded (core.kolada_values). A value Kolada does not (yet) have is NULL with
-- obs_status L; values from a provisional Kolada source (fallback or stale snapshot) are P.
-- Grain: municipality_code, period, sex.
-- Sources: core.kolada_context (shared by SE16-SE20) on core.kolada_values (Kolada API v3). Källa: Kolada (RKA).
-- Action plan AP1; Agenda 2030 target 8.5 (context proxy for 8.5.2); motion question: context.
create or replace view indicators.se16_long_term_unemployment as
-- the shared logic of the Kolada context indicators lives in core.kolada_context
select * exclude (kpi_id) from core.kolada_context where indicator_id = 'SE16';
comment on view indicators.se16_long_term_unemployment is 'SE16 Kolada N03926 (long-term unemployment 25-64) as published, per municipality and year; county rows are Kolada''s region value. Källa: Kolada (RKA).';
comment on column indicators.se16_long_term_unemployment.indicator_id is 'Indicator id (SE16).';
comment on column indicators.se16_long_term_unemployment.municipality_code is 'Kommunkod, or the region''s code (0018) for Kolada''s region value.';
comment on column indicators.se16_long_term_unemployment.period is 'Calendar year.';
comment on column indicators.se16_long_term_unemployment.sex is 'T total, K women, M men.';
comment on column indicators.se16_long_term_unemployment.breakdown is 'total.';
comment on column indicators.se16_long_term_unemployment.breakdown_value is '_T.';
comment on column indicators.se16_long_term_unemployment.value is 'Value as published by Kolada; NULL when Kolada has none.';
comment on column indicators.se16_long_term_unemployment.unit is '%.';
comment on column indicators.se16_long_term_unemployment.obs_status is 'A normal; P provisional Kolada source; L Kolada has no value.';
comment on column indicators.se16_long_term_unemployment.source is 'Kolada.';
comment on column indicators.se16_long_term_unemployment.measure is 'context: published statistics, not suppressed by socek.';
comment on column indicators.se16_long_term_unemployment.numerator is 'NULL (published value only).';
comment on column indicators.se16_long_term_unemployment.denominator is 'NULL (published value only).';
comment on column indicators.se16_long_term_unemployment.n_units is 'NULL (not an enterprise aggregate).';
comment on column indicators.se16_long_term_unemployment.top_share is 'NULL (not a money aggregate).';
