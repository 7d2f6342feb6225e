-- core.coverage: for every municipality, inbox dataset and reporting year, whether the data that make
-- an indicator's cell were delivered and read. A cell is a measured value (A) only when they were;
-- missing is never zero. From meta.files (current loaded deliveries, rejected ones) and the files'
-- quarantine counts:
--   full registers (enterprises, agreements, the supplier crosswalk): a current delivery covers every
--   year; the continuous ledger covers a year only with all 12 months delivered (fewer: partial, P);
--   event datasets (procurements, grants, ...): a delivery whose period (its rows, or the period its
--   file name declares) touches the year covers it;
--   a year with no current delivery is L: rejected when a rejected delivery declared that year, else
--   not delivered; rows quarantined from a delivery covering the year make its cells P (the value may
--   be too low), and the note says so in words.
-- The ledger has one more input: its suppliers must be identifiable (dataset supplier_matching): a
-- delivered ledger year in which no posting carries an organisation number or a crosswalk match is L.
-- Grain: municipality_code, dataset, year. Sources: meta.files, meta.datasets, core.purchase_totals.
-- Serves every own-data indicator through core.indicator_coverage (action plan AP1; Agenda 2030 all).
create or replace view core.coverage as
with areas as (
    select code as municipality_code from meta.municipalities where not is_region
),
grid as (
    select a.municipality_code, d.dataset, d.label_sv, d.is_register, d.continuous, y.year
    from areas as a
    cross join meta.datasets as d
    cross join core.calendar_years as y
),
files as (
    select f.*, d.is_register
    from meta.files as f
    join meta.datasets as d on d.dataset = f.dataset
),
current_files as (
    select * from files where status = 'loaded' and superseded_by is null
),
file_months as (
    -- the months each current period delivery covers
    select f.file_id, f.municipality_code, f.dataset, cast(m.month as date) as month, f.rows_quarantined
    from current_files as f,
         unnest(range(date_trunc('month', f.period_start), f.period_end + interval 1 day, interval 1 month))
             as m(month)
    where not f.is_register and f.period_start is not null
),
by_year as (
    select municipality_code, dataset, year(month) as year, count(distinct month) as months
    from file_months
    group by all
),
quarantined_by_year as (
    -- a delivery's quarantined rows count once for each year it covers
    select municipality_code, dataset, year, sum(rows_quarantined) as rows_quarantined
    from (select distinct file_id, municipality_code, dataset, year(month) as year, rows_quarantined from file_months)
    group by all
),
registers as (
    select municipality_code, dataset, sum(rows_quarantined) as rows_quarantined
    from current_files where is_register
    group by all
),
rejected as (
    -- years a rejected delivery declared (its period from its name); a register's rejection spans all
    select f.municipality_code, f.dataset, y.year
    from files as f
    cross join core.calendar_years as y
    where f.status = 'rejected'
      and (f.is_register or (f.period_start is not null
                              and y.year between year(f.period_start) and year(f.period_end)))
),
ledger_identified as (
    select municipality_code, year, cast(sum(postings) as bigint) as postings,
           cast(coalesce(sum(postings) filter (where supplier_org_nr is not null), 0) as bigint) as identified
    from core.purchase_totals
    group by all
),
datasets_covered as (
    select
        g.municipality_code, g.dataset, g.label_sv, g.year,
        case
            when g.is_register and r.municipality_code is not null then 12
            when g.is_register then 0
            else coalesce(b.months, 0)
        end as months_covered,
        g.continuous,
        coalesce(case when g.is_register then r.rows_quarantined else q.rows_quarantined end, 0) as rows_quarantined,
        exists (select 1 from rejected as x
                where x.municipality_code = g.municipality_code and x.dataset = g.dataset and x.year = g.year)
            as has_rejected
    from grid as g
    left join registers as r on r.municipality_code = g.municipality_code and r.dataset = g.dataset
    left join by_year as b on b.municipality_code = g.municipality_code and b.dataset = g.dataset and b.year = g.year
    left join quarantined_by_year as q
      on q.municipality_code = g.municipality_code and q.dataset = g.dataset and q.year = g.year
),
datasets_judged as (
    select
        municipality_code, dataset, year, months_covered, rows_quarantined,
        case
            when months_covered = 0 and has_rejected then 'rejected'
            when months_covered = 0 then 'not_delivered'
            when continuous and months_covered < 12 then 'partial'
            else 'delivered'
        end as status,
        label_sv
    from datasets_covered
),
supplier_matching as (
    select
        a.municipality_code, 'supplier_matching' as dataset, y.year,
        case when l.postings > 0 and l.identified = 0 then 0 else 12 end as months_covered,
        0 as rows_quarantined,
        -- (no posting at all: nothing to identify; the ledger's own coverage decides)
        case when l.postings > 0 and l.identified = 0 then 'unmatched' else 'delivered' end as status,
        'Leverantörsreskontra' as label_sv
    from areas as a
    cross join core.calendar_years as y
    left join ledger_identified as l on l.municipality_code = a.municipality_code and l.year = y.year
),
judged as (
    select * from datasets_judged
    union all by name
    select * from supplier_matching
),
final as (
    select
        municipality_code,
        dataset,
        year,
        status,
        months_covered,
        rows_quarantined,
        case
            when status in ('not_delivered', 'rejected', 'unmatched') then 'L'
            when status = 'partial' or rows_quarantined > 0 then 'P'
            else 'A'
        end as obs_status,
        case status
            when 'not_delivered' then label_sv || ': inte levererad'
            when 'rejected' then label_sv || ': leveransen underkändes'
            when 'unmatched' then label_sv || ': leverantörerna saknar organisationsnummer och ingen granskad '
                                 || 'nyckel (socek suppliers) finns'
            when 'partial' then label_sv || ': ' || months_covered || ' av 12 månader levererade'
            else case when rows_quarantined > 0
                      then label_sv || ': ' || rows_quarantined || ' rad' || case when rows_quarantined = 1 then '' else 'er' end
                           || ' underkändes och ingår inte, så värdet kan vara för lågt'
                 end
        end as note
    from judged
)
select * from final;
comment on view core.coverage is 'Per municipality, dataset and year: delivered, partial, rejected, not delivered (or, for the ledger''s suppliers, unmatched), with the OBS_STATUS it gives an indicator''s cells and a note in words.';
comment on column core.coverage.municipality_code is 'Kommunkod.';
comment on column core.coverage.dataset is 'Inbox dataset, or supplier_matching (the ledger''s suppliers identified by org nr or crosswalk).';
comment on column core.coverage.year is 'Reporting year.';
comment on column core.coverage.status is 'delivered, partial (a continuous dataset with fewer than 12 months), rejected, not_delivered, or unmatched.';
comment on column core.coverage.months_covered is 'Months of the year the current deliveries cover (12 for a full register).';
comment on column core.coverage.rows_quarantined is 'Rows quarantined from the current deliveries covering the year.';
comment on column core.coverage.obs_status is 'What it gives the cells: A measured, P provisional (partial year or rows quarantined), L missing (not delivered, rejected or unmatched).';
comment on column core.coverage.note is 'Why the cells are not A, in Swedish; NULL when they are.';
