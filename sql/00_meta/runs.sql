-- meta.runs: one row per pipeline run (DESIGN §4). Written by the run into its build before its one
-- publish; a run that fails before publishing is recorded by a small publish of the published database,
-- a run killed after publishing is corrected to published_with_errors by the next run.
-- Grain: run_id.
create table if not exists meta.runs (
    run_id varchar primary key,
    started_at timestamp,
    finished_at timestamp,
    status varchar,
    mode varchar,
    files_seen bigint,
    files_new bigint,
    rows_loaded bigint,
    rows_quarantined bigint,
    warnings varchar,
    error varchar,
    stage_timings varchar
);
comment on table meta.runs is 'One row per pipeline run: when, how it ended, what it loaded, and how long each stage took.';
comment on column meta.runs.run_id is 'Run id (UTC timestamp plus a short random suffix); appears in _run_id of every row the run loaded.';
comment on column meta.runs.started_at is 'When the run started (UTC).';
comment on column meta.runs.finished_at is 'When the run finished (UTC).';
comment on column meta.runs.status is 'succeeded, warnings (completed with warnings), published_with_errors (published; a later step failed), failed (nothing published) or restored (socek restore).';
comment on column meta.runs.mode is 'offline (replayed snapshots), live (fetched from the sources) or restore.';
comment on column meta.runs.files_seen is 'Files found in the inbox.';
comment on column meta.runs.files_new is 'Files not seen before (by path and sha256) and therefore read in this run.';
comment on column meta.runs.rows_loaded is 'Rows loaded into raw tables by this run.';
comment on column meta.runs.rows_quarantined is 'Rows put in meta.quarantine by this run.';
comment on column meta.runs.warnings is 'Warnings, one per line (quarantined rows, rejected files, sources that fell back to a snapshot).';
comment on column meta.runs.error is 'The error that failed the run, if it failed.';
comment on column meta.runs.stage_timings is 'JSON object: seconds spent in each stage up to the publish (intake, collect, load, transform, outputs); the run summary in Prefect also has publish and commit.';
