-- meta.parameters: the run's settings that SQL needs (reporting years, disclosure thresholds),
-- written by each run from config/pipeline.toml so views never hard-code them. Grain: name.
create table if not exists meta.parameters (
    name varchar primary key,
    value varchar
);
comment on table meta.parameters is 'Settings the SQL views read (reporting years, disclosure thresholds), from config/pipeline.toml.';
comment on column meta.parameters.name is 'Setting name, e.g. first_year, last_year, min_person_count.';
comment on column meta.parameters.value is 'Setting value as text; cast where used.';
