-- core.indicator_coverage: for every own-data indicator, municipality and reporting year, the
-- OBS_STATUS its cells get from the deliveries they are computed from (meta.indicator_catalogue
-- datasets; core.coverage): L when any is missing, P when any is partial or lost rows, A otherwise,
-- with the notes of those that are not A. The shared layer (indicators.all_values) applies it to
-- every municipal cell, so no indicator view repeats coverage logic.
-- Grain: indicator_id, municipality_code, year. Sources: meta.indicator_catalogue, core.coverage.
-- Serves every own-data indicator (action plan AP1; Agenda 2030: all targets, proxies).
create or replace view core.indicator_coverage as
with needs as (
    select c.indicator_id, trim(d.dataset) as dataset
    from meta.indicator_catalogue as c,
         unnest(string_split(c.datasets, ';')) as d(dataset)
    where c.datasets is not null and trim(d.dataset) <> ''
),
final as (
    select
        n.indicator_id,
        v.municipality_code,
        v.year,
        case when bool_or(v.obs_status = 'L') then 'L'
             when bool_or(v.obs_status = 'P') then 'P'
             else 'A' end as obs_status,
        string_agg(distinct v.note, '; ' order by v.note) filter (where v.note is not null) as note
    from needs as n
    join core.coverage as v on v.dataset = n.dataset
    group by all
)
select * from final;
comment on view core.indicator_coverage is 'Per own-data indicator, municipality and year: the OBS_STATUS its cells get from their deliveries (A, P or L) and why, in words.';
comment on column core.indicator_coverage.indicator_id is 'Indicator id.';
comment on column core.indicator_coverage.municipality_code is 'Kommunkod.';
comment on column core.indicator_coverage.year is 'Reporting year.';
comment on column core.indicator_coverage.obs_status is 'L when a delivery the indicator needs is missing, rejected or unmatched; P when one is partial or lost rows; else A.';
comment on column core.indicator_coverage.note is 'The deliveries that are not complete, in Swedish.';
