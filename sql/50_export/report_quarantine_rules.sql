-- export.report_quarantine_rules: why rows were quarantined, per municipality, dataset and rule, for
-- the council report's "Datakvalitet" section. Counts only: the quarantined rows themselves (and the
-- reasons, which quote delivered values) stay in meta.quarantine. Only files still in force count:
-- current loaded deliveries and rejected files, as in export.report_data_quality.
-- Grain: municipality_code, dataset, rule. Sources: meta.quarantine, meta.files.
create or replace view export.report_quarantine_rules as
with in_force as (
    select file_id, municipality_code
    from meta.files
    where (status = 'loaded' and superseded_by is null) or status = 'rejected'
),
quarantined as (
    select
        f.municipality_code,
        q.dataset,
        q.rule,
        count(distinct (q.file_id, coalesce(q.row_number, -1))) as rows_quarantined
    from meta.quarantine as q
    join in_force as f on f.file_id = q.file_id
    group by all
),
final as (
    select municipality_code, dataset, rule, rows_quarantined
    from quarantined
)
select * from final;
comment on view export.report_quarantine_rules is 'Quarantined rows per municipality, dataset and failed rule (counts only), for the council report.';
comment on column export.report_quarantine_rules.municipality_code is 'Kommunkod of the delivering municipality.';
comment on column export.report_quarantine_rules.dataset is 'Canonical dataset.';
comment on column export.report_quarantine_rules.rule is 'Rule that failed, as <column>:<rule> or file:<problem> (see meta.validation_results).';
comment on column export.report_quarantine_rules.rows_quarantined is 'Rows (or whole files, counted once) of files in force that failed the rule.';
