-- core.kolada_values: Kolada (RKA) KPI values as published, mapped from Kolada's area ids to
-- socek's area codes (municipalities, and the region as 0018). Values Kolada reports as deleted are
-- excluded; when a value was fetched twice the newest fetch wins. Values are never recomputed:
-- the region's value is Kolada's own. Grain: kpi_id, municipality_code, year, sex.
-- Sources: raw.kolada_values, meta.municipalities, meta.source_status.
-- Serves SE16-SE20 (action plan AP1; Agenda 2030 targets 8.3, 8.5, 8.6, 10.2 as context).
create or replace view core.kolada_values as
with areas as (
    select code, kolada_code, is_region from meta.municipalities
),
latest as (
    select *
    from raw.kolada_values
    qualify row_number() over (
        partition by kpi_id, area_code, period, gender
        order by _retrieved_at desc nulls last, coalesce(is_deleted, false), _source_file) = 1
),
final as (
    select
        l.kpi_id,
        a.code as municipality_code,
        a.is_region,
        cast(l.period as integer) as year,
        l.gender as sex,
        l.value,
        l.status,
        l.count,
        coalesce((select bool_or(provisional) from meta.source_status where source = 'kolada'), false) as provisional
    from latest as l
    join areas as a on a.kolada_code = l.area_code
    where not coalesce(l.is_deleted, false)
)
select * from final;
comment on view core.kolada_values is 'Kolada KPI values as published (deleted values excluded), per socek area code, year and sex. Källa: Kolada (RKA).';
comment on column core.kolada_values.kpi_id is 'Kolada KPI id (N03926 ...).';
comment on column core.kolada_values.municipality_code is 'Kommunkod, or the region''s code (0018) for Kolada''s region value.';
comment on column core.kolada_values.is_region is 'True for the region''s (county) value.';
comment on column core.kolada_values.year is 'Year.';
comment on column core.kolada_values.sex is 'T total, K women, M men.';
comment on column core.kolada_values.value is 'Value as published; NULL when Kolada has none.';
comment on column core.kolada_values.status is 'Kolada status text, verbatim.';
comment on column core.kolada_values.count is 'Kolada count (members contributing, for groups).';
comment on column core.kolada_values.provisional is 'True when meta.source_status flags Kolada as provisional (fallback or stale): values are P.';
