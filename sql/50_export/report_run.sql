-- export.report_run: the run whose data the council report shows, for its "Metod och källor" section:
-- the run that built the data (meta.provenance.run_id), else the latest run that published data
-- (succeeded or completed with warnings). A failed run is recorded
-- on the last good database without changing its data, so it is not the run behind the figures.
-- Falls back to the latest run of any status when no run succeeded. Carries the settings the report
-- states in its method section (reporting years, disclosure thresholds). Grain: one row (none before
-- the first run). Sources: meta.runs, meta.provenance, meta.parameters.
create or replace view export.report_run as
with ranked as (
    select
        *,
        row_number() over (
            order by run_id in (select run_id from meta.provenance) desc,
                     status in ('succeeded', 'warnings') desc, started_at desc, run_id desc
        ) as rank
    from meta.runs
),
params as (
    select
        max(case when name = 'first_year' then cast(value as integer) end) as first_year,
        max(case when name = 'last_year' then cast(value as integer) end) as last_year,
        max(case when name = 'min_person_count' then cast(value as integer) end) as min_person_count,
        max(case when name = 'min_enterprises' then cast(value as integer) end) as min_enterprises,
        max(case when name = 'dominance_share' then cast(value as double) end) as dominance_share,
        max(case when name = 'source_stale_days' then cast(value as integer) end) as source_stale_days
    from meta.parameters
),
final as (
    select
        run_id,
        status,
        mode,
        started_at,
        finished_at,
        cast(started_at as date) as run_date,
        files_seen,
        files_new,
        rows_loaded,
        rows_quarantined,
        params.first_year,
        params.last_year,
        params.min_person_count,
        params.min_enterprises,
        params.dominance_share,
        params.source_stale_days
    from ranked
    cross join params
    where rank = 1
)
select * from final;
comment on view export.report_run is 'The run behind the published figures (latest succeeded or warnings run), for the council report.';
comment on column export.report_run.run_id is 'Run id; appears in _run_id of every row the run loaded.';
comment on column export.report_run.status is 'succeeded, warnings (completed with warnings) or failed (only when no run has succeeded).';
comment on column export.report_run.mode is 'offline (replayed snapshots) or live (fetched from the sources).';
comment on column export.report_run.started_at is 'When the run started (UTC).';
comment on column export.report_run.finished_at is 'When the run finished (UTC).';
comment on column export.report_run.run_date is 'Date (UTC) the run started: the date the report states.';
comment on column export.report_run.files_seen is 'Files found in the inbox by the run.';
comment on column export.report_run.files_new is 'Files read for the first time by the run.';
comment on column export.report_run.rows_loaded is 'Rows the run loaded.';
comment on column export.report_run.rows_quarantined is 'Rows the run put in quarantine.';
comment on column export.report_run.first_year is 'First reporting year (meta.parameters).';
comment on column export.report_run.last_year is 'Last reporting year (meta.parameters).';
comment on column export.report_run.min_person_count is 'Person counts below this (and above 0) are suppressed.';
comment on column export.report_run.min_enterprises is 'Money aggregates over fewer enterprises are suppressed.';
comment on column export.report_run.dominance_share is 'Money aggregates where one enterprise is above this share of the total are suppressed.';
comment on column export.report_run.source_stale_days is 'Source data older than this many days are flagged provisional.';
