-- core.kolada_context: the Kolada context indicators SE16-SE20 in socek's long format, one place for
-- the logic all five share. Which KPI each indicator publishes, and whether Kolada splits it by sex,
-- is the `indicators` table below. Values are as published: county rows are Kolada's own value for
-- the region (area 0018), never computed from the municipalities, so measure = context and socek
-- does not suppress them. A value Kolada does not (yet) have is NULL with obs_status L; values from
-- a provisional Kolada source (fallback or stale snapshot) are P.
-- Grain: indicator_id, municipality_code, period, sex.
-- Sources: core.kolada_values (Kolada API v3). Källa: Kolada (RKA).
create or replace view core.kolada_context as
with indicators as (
    select * from (values
        ('SE16', 'N03926', true),   -- long-term unemployment 25-64, % (8.5, context)
        ('SE17', 'N02243', true),   -- employed residents 20-65, % (8.5, context)
        ('SE18', 'N02797', true),   -- youth 16-24 neither working nor studying, % (8.6, context)
        ('SE19', 'N31807', false),  -- residents receiving social assistance, % (10.2, context)
        ('SE20', 'N00999', false)   -- new firms per 1 000 inhabitants 16-64 (8.3, context)
    ) as t(indicator_id, kpi_id, by_sex)
),
cells as (
    select i.indicator_id, i.kpi_id, a.code as municipality_code, y.year, s.sex
    from indicators as i
    cross join meta.municipalities as a
    cross join core.calendar_years as y
    cross join (values ('T'), ('K'), ('M')) as s(sex)
    where s.sex = 'T' or i.by_sex
),
joined as (
    select c.*, v.value, v.provisional
    from cells as c
    left join core.kolada_values as v
      on v.kpi_id = c.kpi_id and v.municipality_code = c.municipality_code
     and v.year = c.year and v.sex = c.sex
),
final as (
    select
        indicator_id,
        kpi_id,
        municipality_code,
        cast(year as varchar) as period,
        sex,
        'total' as breakdown,
        '_T' as breakdown_value,
        cast(value as double) as value,
        case when indicator_id = 'SE20' then 'per 1 000 inhabitants 16-64' else '%' end as unit,
        case when value is null then 'L' when provisional then 'P' else 'A' end as obs_status,
        'Kolada' as source,
        'context' as measure,
        cast(null as double) as numerator,
        cast(null as double) as denominator,
        cast(null as bigint) as n_units,
        cast(null as double) as top_share
    from joined
)
select * from final;
comment on view core.kolada_context is 'Kolada context indicators SE16-SE20 in the long format, as published; county rows are Kolada''s region value. Källa: Kolada (RKA).';
comment on column core.kolada_context.indicator_id is 'Indicator id (SE16-SE20).';
comment on column core.kolada_context.kpi_id is 'Kolada KPI the indicator publishes.';
comment on column core.kolada_context.municipality_code is 'Kommunkod, or the region''s code (0018) for Kolada''s region value.';
comment on column core.kolada_context.period is 'Calendar year.';
comment on column core.kolada_context.sex is 'T total, K women, M men (K/M only where Kolada splits the KPI by sex).';
comment on column core.kolada_context.breakdown is 'total.';
comment on column core.kolada_context.breakdown_value is '_T.';
comment on column core.kolada_context.value is 'Value as published by Kolada; NULL when Kolada has none.';
comment on column core.kolada_context.unit is '% or per 1 000 inhabitants 16-64.';
comment on column core.kolada_context.obs_status is 'A normal; P provisional Kolada source; L Kolada has no value.';
comment on column core.kolada_context.source is 'Kolada.';
comment on column core.kolada_context.measure is 'context: published statistics, not suppressed by socek.';
comment on column core.kolada_context.numerator is 'NULL (published value only).';
comment on column core.kolada_context.denominator is 'NULL (published value only).';
comment on column core.kolada_context.n_units is 'NULL (not an enterprise aggregate).';
comment on column core.kolada_context.top_share is 'NULL (not a money aggregate).';
