-- export.report_data_quality: per municipality and dataset, what the council report's "Datakvalitet"
-- section states about the municipal registers: current deliveries, rows loaded and quarantined,
-- rejected files, and how fresh the data are (period covered, date delivered). Counts of rows and
-- files, never their content, so nothing here needs disclosure control. Every municipality appears
-- with every inbox dataset (meta.datasets), so a missing delivery shows as zero files rather than
-- disappearing; years_delivered / years_missing count the reporting years core.coverage finds
-- delivered (or partial) and missing.
-- Grain: municipality_code, dataset. Sources: meta.files, meta.runs, meta.datasets, core.coverage.
create or replace view export.report_data_quality as
with files as (
    select
        f.*,
        f.status = 'loaded' and f.superseded_by is null as is_current,
        cast(r.started_at as date) as read_on
    from meta.files as f
    left join meta.runs as r on r.run_id = f.run_id
),
per_dataset as (
    select
        municipality_code,
        dataset,
        count(*) filter (where is_current) as files_current,
        count(*) filter (where status = 'loaded' and superseded_by is not null) as files_superseded,
        count(*) filter (where status = 'rejected') as files_rejected,
        count(*) filter (where status = 'duplicate') as files_duplicate,
        coalesce(sum(rows_read) filter (where is_current or status = 'rejected'), 0) as rows_read,
        coalesce(sum(rows_loaded) filter (where is_current), 0) as rows_loaded,
        coalesce(sum(rows_quarantined) filter (where is_current or status = 'rejected'), 0) as rows_quarantined,
        min(period_start) filter (where is_current) as period_start,
        max(period_end) filter (where is_current) as period_end,
        max(read_on) filter (where is_current) as delivered_on
    from files
    group by all
),
final as (
    select
        c.municipality_code,
        c.dataset,
        c.delivered,
        c.years_delivered,
        c.years_missing,
        coalesce(d.files_current, 0) as files_current,
        coalesce(d.files_superseded, 0) as files_superseded,
        coalesce(d.files_rejected, 0) as files_rejected,
        coalesce(d.files_duplicate, 0) as files_duplicate,
        coalesce(d.rows_read, 0) as rows_read,
        coalesce(d.rows_loaded, 0) as rows_loaded,
        coalesce(d.rows_quarantined, 0) as rows_quarantined,
        d.period_start,
        d.period_end,
        d.delivered_on
    from (
        select municipality_code, dataset,
               bool_or(obs_status <> 'L') as delivered,
               count(*) filter (where obs_status <> 'L') as years_delivered,
               count(*) filter (where obs_status = 'L') as years_missing
        from core.coverage
        where dataset in (select dataset from meta.datasets)
        group by all
    ) as c
    left join per_dataset as d
      on d.municipality_code = c.municipality_code and d.dataset = c.dataset
)
select * from final;
comment on view export.report_data_quality is 'Per municipality and dataset: current deliveries, rows loaded and quarantined, rejected files and freshness (for the council report).';
comment on column export.report_data_quality.municipality_code is 'Kommunkod of the delivering municipality.';
comment on column export.report_data_quality.dataset is 'Canonical dataset (enterprises, supplier_invoices, ...).';
comment on column export.report_data_quality.delivered is 'True when at least one reporting year is delivered.';
comment on column export.report_data_quality.years_delivered is 'Reporting years with a delivery (complete or partial).';
comment on column export.report_data_quality.years_missing is 'Reporting years without a usable delivery (not delivered or rejected).';
comment on column export.report_data_quality.files_current is 'Loaded deliveries not superseded by a newer one: the files the figures come from.';
comment on column export.report_data_quality.files_superseded is 'Older deliveries replaced by a newer delivery for the same period (kept for history).';
comment on column export.report_data_quality.files_rejected is 'Files rejected as a whole (unreadable, wrong columns ...); all their rows are quarantined.';
comment on column export.report_data_quality.files_duplicate is 'Files with the same bytes as an earlier delivery; loaded once only.';
comment on column export.report_data_quality.rows_read is 'Data rows read from the current and the rejected files.';
comment on column export.report_data_quality.rows_loaded is 'Rows of the current files that passed validation and are used.';
comment on column export.report_data_quality.rows_quarantined is 'Rows of the current and the rejected files held in quarantine (rows_read = rows_loaded + rows_quarantined).';
comment on column export.report_data_quality.period_start is 'First day covered by the current deliveries; NULL for full registers.';
comment on column export.report_data_quality.period_end is 'Last day covered by the current deliveries; NULL for full registers.';
comment on column export.report_data_quality.delivered_on is 'Date (UTC) the newest current delivery was read by a run.';
