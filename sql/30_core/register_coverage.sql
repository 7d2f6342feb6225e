-- core.register_coverage: which municipality has delivered which dataset at all (a current, loaded
-- file). An indicator for a municipality without a delivery is "missing, not delivered" (obs_status L),
-- never zero. Grain: municipality_code, dataset. Sources: meta.files, meta.municipalities.
-- Serves every own-data indicator (action plan AP1 statistics; Agenda 2030: all targets, proxies).
create or replace view core.register_coverage as
with delivered as (
    select municipality_code, dataset, count(*) as current_files
    from meta.files
    where status = 'loaded' and superseded_by is null
    group by all
),
final as (
    select
        m.code as municipality_code,
        d.dataset,
        coalesce(f.current_files, 0) > 0 as delivered
    from meta.municipalities as m
    cross join (select distinct dataset from meta.files) as d
    left join delivered as f on f.municipality_code = m.code and f.dataset = d.dataset
    where not m.is_region
)
select * from final;
comment on view core.register_coverage is 'Whether each municipality has a current delivery of each dataset; without one, its indicators are flagged L (not delivered).';
comment on column core.register_coverage.municipality_code is 'Kommunkod.';
comment on column core.register_coverage.dataset is 'Canonical dataset.';
comment on column core.register_coverage.delivered is 'True when at least one current, loaded delivery exists.';
