-- meta.validation_results: Great Expectations' verdict for each expectation on each delivered file.
-- Grain: file_id, rule.
create table if not exists meta.validation_results (
    file_id varchar,
    dataset varchar,
    rule varchar,
    expectation varchar,
    "column" varchar,
    success boolean,
    element_count bigint,
    unexpected_count bigint,
    run_id varchar
);
comment on table meta.validation_results is 'One row per expectation per file: the Great Expectations verdict and counts.';
comment on column meta.validation_results.file_id is 'The file validated (meta.files.file_id).';
comment on column meta.validation_results.dataset is 'Canonical dataset of the file.';
comment on column meta.validation_results.rule is 'socek rule id (<column>:<rule>).';
comment on column meta.validation_results.expectation is 'Great Expectations expectation class that checked the rule.';
comment on column meta.validation_results."column" is 'Canonical column the rule is about.';
comment on column meta.validation_results.success is 'True when no row of the file failed the rule.';
comment on column meta.validation_results.element_count is 'Rows of the file checked.';
comment on column meta.validation_results.unexpected_count is 'Rows of the file that failed the rule.';
comment on column meta.validation_results.run_id is 'Run that validated the file.';
