-- staging.agreements: the current rows of raw.agreements.
-- Current = from a loaded delivery that no newer delivery for the same municipality, dataset and
-- period has superseded (meta.files.superseded_by is null). Renames nothing; keeps _file_id and
-- _row_number so every figure can be traced to its file and row. Grain: one delivered row.
create or replace view staging.agreements as
with current_files as (
    select file_id from meta.files
    where dataset = 'agreements' and status = 'loaded' and superseded_by is null
),
source as (
    select * from raw.agreements
    where _file_id in (select file_id from current_files)
),
final as (
    select
        agreement_id,
        municipality_code,
        org_nr,
        type,
        start_date,
        end_date,
        annual_value_sek,
        description,
        goal_places_per_year,
        goals,
        ledger_account,
        follow_up_due,
        followed_up_on,
        assessment_municipality,
        assessment_counterpart,
        assessment_text,
        renewal,
        _file_id,
        _row_number
    from source
)
select * from final;
comment on view staging.agreements is 'Current (not superseded) rows of raw.agreements.';
comment on column staging.agreements.agreement_id is 'The municipality''s id of the agreement.';
comment on column staging.agreements.municipality_code is 'Municipality code.';
comment on column staging.agreements.org_nr is 'Org nr.';
comment on column staging.agreements.type is 'Agreement type.';
comment on column staging.agreements.start_date is 'Start date.';
comment on column staging.agreements.end_date is 'End date.';
comment on column staging.agreements.annual_value_sek is 'Annual value sek.';
comment on column staging.agreements.description is 'Description.';
comment on column staging.agreements.goal_places_per_year is 'Goal: persons in work integration per year.';
comment on column staging.agreements.goals is 'Goals in words (internal).';
comment on column staging.agreements.ledger_account is 'Ledger account of the payments under the agreement.';
comment on column staging.agreements.follow_up_due is 'Next follow-up due.';
comment on column staging.agreements.followed_up_on is 'Latest follow-up.';
comment on column staging.agreements.assessment_municipality is 'The municipality''s assessment (on_track, partly, not_met).';
comment on column staging.agreements.assessment_counterpart is 'The counterpart''s assessment (on_track, partly, not_met).';
comment on column staging.agreements.assessment_text is 'Assessment in words (internal).';
comment on column staging.agreements.renewal is 'Renewal decision (extend, replace, end, under_review; NULL: none).';
comment on column staging.agreements._file_id is 'File the row came from (meta.files.file_id).';
comment on column staging.agreements._row_number is 'Data row number in the delivered file (1 = first row after the header).';
