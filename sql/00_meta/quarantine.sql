-- meta.quarantine: every row that failed a rule, with the rule and a reason an analyst understands,
-- and the row as delivered (personal identity numbers already pseudonymised). A rejected file has one
-- row with row_number NULL. Grain: file_id, row_number, rule.
create table if not exists meta.quarantine (
    file_id varchar,
    row_number bigint,
    dataset varchar,
    rule varchar,
    reason varchar,
    original varchar,
    run_id varchar
);
comment on table meta.quarantine is 'Rows (or whole files) that failed validation, with the rule, a plain-language reason and the row as delivered.';
comment on column meta.quarantine.file_id is 'The file the row came from (meta.files.file_id).';
comment on column meta.quarantine.row_number is 'Data row number in the file (1 = first row after the header); NULL when the whole file was rejected.';
comment on column meta.quarantine.dataset is 'Canonical dataset of the file.';
comment on column meta.quarantine.rule is 'Rule that failed, as <column>:<rule> (e.g. org_nr:check_digit) or file:<problem>.';
comment on column meta.quarantine.reason is 'Why the row was rejected, in plain words, quoting the delivered value.';
comment on column meta.quarantine.original is 'The row as delivered, as JSON (header -> cell); personal identity numbers pseudonymised.';
comment on column meta.quarantine.run_id is 'Run that quarantined the row.';
