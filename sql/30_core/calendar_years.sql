-- core.calendar_years: the reporting years (meta.parameters first_year..last_year), one row per
-- year with its last day, the reference date for stocks ("active on 31 December"). Grain: year.
-- Sources: meta.parameters. Serves every indicator (action plan AP1 statistics; Agenda 2030: all targets, proxies).
create or replace view core.calendar_years as
with bounds as (
    select
        max(case when name = 'first_year' then cast(value as integer) end) as first_year,
        max(case when name = 'last_year' then cast(value as integer) end) as last_year
    from meta.parameters
),
final as (
    select
        cast(y.year as integer) as year,
        make_date(cast(y.year as integer), 12, 31) as year_end
    from bounds, range(bounds.first_year, bounds.last_year + 1) as y(year)
)
select * from final;
comment on view core.calendar_years is 'Reporting years (from meta.parameters) with their last day.';
comment on column core.calendar_years.year is 'Calendar year.';
comment on column core.calendar_years.year_end is '31 December of the year: the reference date for stocks.';
