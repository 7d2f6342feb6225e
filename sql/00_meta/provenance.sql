-- meta.provenance: where the data of this database come from, in one row. run_id names the run that
-- built them (load and transform); runs that only record themselves (nothing new, a failure, a
-- restore) keep it, so every delivery and report written from this database carries this run id
-- (datapackage.json "socek:run_id", the report's <meta name="socek:run_id">) and the next run can
-- tell a stale output from a current one. synthetic is true once the database has loaded synthetic
-- demo data (a file or a snapshot marked synthetic, flows/common/synthetic.py) and stays true: such a
-- database refuses to export to a production folder. Grain: one row (none before the first build).
create table if not exists meta.provenance (
    run_id varchar,
    built_on date,
    synthetic boolean,
    synthetic_since varchar,
    synthetic_reason varchar
);
comment on table meta.provenance is 'One row: the run that built the data of this database, and whether it ever loaded synthetic demo data.';
comment on column meta.provenance.run_id is 'Run that built the data (meta.runs.run_id); every delivery and report written from this database carries it.';
comment on column meta.provenance.built_on is 'Day of that build (Europe/Stockholm); names the delivery folders exports/<kommun>-<day>/.';
comment on column meta.provenance.synthetic is 'True once the database loaded synthetic demo data; it never becomes false again.';
comment on column meta.provenance.synthetic_since is 'Run that first loaded synthetic data.';
comment on column meta.provenance.synthetic_reason is 'What was synthetic (files, snapshots), in words.';
