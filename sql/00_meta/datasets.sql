-- meta.datasets: the inbox datasets as their contracts define them (flows/datasets.py), rewritten by
-- every run. The SQL reads here what a delivery's period means: a full register (no period column)
-- replaces the older one and covers every year; a continuous dataset (the ledger) covers a year only
-- when every month of it was delivered; other datasets record events, so any delivery for a year
-- covers it. Grain: dataset.
create table if not exists meta.datasets (
    dataset varchar primary key,
    label_sv varchar,
    description varchar,
    period_column varchar,
    is_register boolean,
    continuous boolean
);
comment on table meta.datasets is 'The inbox datasets and what a delivery''s period means for each (from the contracts in flows/datasets.py).';
comment on column meta.datasets.dataset is 'Canonical dataset name (the inbox folder name).';
comment on column meta.datasets.label_sv is 'The dataset''s name in Swedish.';
comment on column meta.datasets.description is 'What the dataset holds.';
comment on column meta.datasets.period_column is 'Column whose dates or years define a delivery''s period; NULL for a full register.';
comment on column meta.datasets.is_register is 'True for a full register: the newest delivery replaces the older and covers every year.';
comment on column meta.datasets.continuous is 'True when the dataset has rows every month (the ledger): a year is complete only when all 12 months are delivered.';
