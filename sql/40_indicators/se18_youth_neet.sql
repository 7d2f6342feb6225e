-- indicators.se18_youth_neet (SE18): context statistic from Kolada (RKA), KPI N02797
-- 'Invånare 16-24 år som varken arbetar eller studerar, andel (%)': young people 16-24 neither working nor studying (MUCF/SCB), as published, per municipality and year, by sex (T, K, M) where Kolada publishes K/M. County rows are Kolada's own
-- value for the region (area 0018), not computed from the municipalities: these are published
-- statistics, so measure = context and socek never suppresses them. Kolada values reported as
-- deleted are excluded (core.kolada_values). A value Kolada does not (yet) have is NULL with
-- obs_status L; values from a provisional Kolada source (fallback or stale snapshot) are P.
-- Grain: municipality_code, period, sex.
-- Sources: core.kolada_context (shared by SE16-SE20) on core.kolada_values (Kolada API v3). Källa: Kolada (RKA).
-- Action plan AP1; Agenda 2030 target 8.6 (context proxy for 8.6.1); motion question: context.
create or replace view indicators.se18_youth_neet as
-- the shared logic of the Kolada context indicators lives in core.kolada_context
select * exclude (kpi_id) from core.kolada_context where indicator_id = 'SE18';
comment on view indicators.se18_youth_neet is 'SE18 Kolada N02797 (young people 16-24 neither working nor studying) as published, per municipality and year; county rows are Kolada''s region value. Källa: Kolada (RKA).';
comment on column indicators.se18_youth_neet.indicator_id is 'Indicator id (SE18).';
comment on column indicators.se18_youth_neet.municipality_code is 'Kommunkod, or the region''s code (0018) for Kolada''s region value.';
comment on column indicators.se18_youth_neet.period is 'Calendar year.';
comment on column indicators.se18_youth_neet.sex is 'T total, K women, M men.';
comment on column indicators.se18_youth_neet.breakdown is 'total.';
comment on column indicators.se18_youth_neet.breakdown_value is '_T.';
comment on column indicators.se18_youth_neet.value is 'Value as published by Kolada; NULL when Kolada has none.';
comment on column indicators.se18_youth_neet.unit is '%.';
comment on column indicators.se18_youth_neet.obs_status is 'A normal; P provisional Kolada source; L Kolada has no value.';
comment on column indicators.se18_youth_neet.source is 'Kolada.';
comment on column indicators.se18_youth_neet.measure is 'context: published statistics, not suppressed by socek.';
comment on column indicators.se18_youth_neet.numerator is 'NULL (published value only).';
comment on column indicators.se18_youth_neet.denominator is 'NULL (published value only).';
comment on column indicators.se18_youth_neet.n_units is 'NULL (not an enterprise aggregate).';
comment on column indicators.se18_youth_neet.top_share is 'NULL (not a money aggregate).';
