-- raw.scb_population: population by municipality, sex and age from SCB PxWeb (TAB638 to 2024,
-- TAB5557 from 2025, where the Cell Key Method adds noise so parts need not sum to totals).
-- Grain: region_code, sex, age, year.
create table if not exists raw.scb_population (
    region_code varchar,
    sex varchar,
    age varchar,
    year integer,
    value double,
    table_id varchar,
    cell_key_noise boolean,
    _source_file varchar,
    _sha256 varchar,
    _retrieved_at timestamp,
    _run_id varchar
);
comment on table raw.scb_population is 'Population on 31 December by municipality, sex and age, from SCB. Källa: SCB.';
comment on column raw.scb_population.region_code is 'SCB region code (kommunkod).';
comment on column raw.scb_population.sex is 'K women, M men.';
comment on column raw.scb_population.age is 'Age in years as SCB codes it (text, e.g. 100+).';
comment on column raw.scb_population.year is 'Year (population on 31 December).';
comment on column raw.scb_population.value is 'Number of inhabitants.';
comment on column raw.scb_population.table_id is 'SCB table the value came from (TAB638, TAB5557).';
comment on column raw.scb_population.cell_key_noise is 'True from 2025: SCB perturbs cells (Cell Key Method), parts may not sum to totals.';
comment on column raw.scb_population._source_file is 'Landing or snapshot file the value was decoded from.';
comment on column raw.scb_population._sha256 is 'SHA-256 of that payload file.';
comment on column raw.scb_population._retrieved_at is 'When the payload was fetched from SCB (UTC).';
comment on column raw.scb_population._run_id is 'Run that loaded the value.';
