-- export.report_source_status: freshness of the regional and national sources (Kolada, SCB,
-- Bolagsverket) for the council report's "Datakvalitet" section: how the latest run obtained each
-- one (live, replayed snapshot, fallback), when its data were retrieved, how old they were on the
-- run date, and whether its values are flagged provisional (P). The age is counted to the run's own
-- date (export.report_run), not today's, so the report is the same whenever it is rendered.
-- Grain: source. Sources: meta.source_status, meta.parameters, export.report_run.
create or replace view export.report_source_status as
with params as (
    select max(case when name = 'source_stale_days' then cast(value as integer) end) as stale_days
    from meta.parameters
),
run as (
    select run_date from export.report_run
),
final as (
    select
        s.source,
        s.origin,
        s.provisional,
        s.retrieved_at,
        cast(s.retrieved_at as date) as retrieved_on,
        date_diff('day', cast(s.retrieved_at as date), run.run_date) as age_days,
        coalesce(date_diff('day', cast(s.retrieved_at as date), run.run_date) > params.stale_days, false) as stale,
        s.warning
    from meta.source_status as s
    cross join params
    left join run on true
)
select * from final;
comment on view export.report_source_status is 'Per regional or national source: how it was obtained, when, how old on the run date, and whether provisional (for the council report).';
comment on column export.report_source_status.source is 'kolada, scb or bolagsverket.';
comment on column export.report_source_status.origin is 'live (fetched), snapshot (offline replay) or fallback (live failed; last good snapshot used).';
comment on column export.report_source_status.provisional is 'True when the source''s values are flagged P (fallback or stale).';
comment on column export.report_source_status.retrieved_at is 'When the data in use were fetched from the source (UTC).';
comment on column export.report_source_status.retrieved_on is 'Date (UTC) of retrieved_at.';
comment on column export.report_source_status.age_days is 'Days from retrieval to the date of the run behind the report.';
comment on column export.report_source_status.stale is 'True when age_days exceeds source_stale_days (meta.parameters).';
comment on column export.report_source_status.warning is 'Why the source fell back, if it did.';
