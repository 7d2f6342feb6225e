-- core.data_as_of: the date of the newest data in the warehouse (the latest load of any delivered
-- row). Used as updated_at of indicator values, so an unchanged input gives unchanged output.
-- Grain: one row. Sources: the lineage columns of the raw tables of delivered datasets.
-- Serves every indicator (action plan AP1 statistics; Agenda 2030: all targets, proxies).
create or replace view core.data_as_of as
with loads as (
    select max(_loaded_at) as loaded_at from raw.enterprises
    union all select max(_loaded_at) from raw.supplier_invoices
    union all select max(_loaded_at) from raw.agreements
    union all select max(_loaded_at) from raw.procurements
    union all select max(_loaded_at) from raw.grants
    union all select max(_loaded_at) from raw.support_activities
    union all select max(_loaded_at) from raw.placements
    union all select max(_loaded_at) from raw.annual_reports
),
final as (
    select cast(max(loaded_at) as date) as as_of from loads
)
select * from final;
comment on view core.data_as_of is 'Date of the newest loaded data; the updated_at of indicator values.';
comment on column core.data_as_of.as_of is 'Date (UTC) of the most recent load of any delivered row.';
