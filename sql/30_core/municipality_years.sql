-- core.municipality_years: every configured municipality (not the region) in every reporting year:
-- the grid every indicator's municipal cells start from, so a year without data is a cell (zero, or
-- missing when its deliveries are missing), never an absent row. County rows are made by
-- indicators.all_values from the municipal cells, not here.
-- Grain: municipality_code, year. Sources: meta.municipalities, core.calendar_years.
-- Serves every own-data indicator (action plan AP1; Agenda 2030: all targets, proxies).
create or replace view core.municipality_years as
with final as (
    select m.code as municipality_code, y.year, y.year_end
    from meta.municipalities as m
    cross join core.calendar_years as y
    where not m.is_region
)
select * from final;
comment on view core.municipality_years is 'Every configured municipality in every reporting year (the grid of the municipal indicator cells).';
comment on column core.municipality_years.municipality_code is 'Kommunkod.';
comment on column core.municipality_years.year is 'Reporting year.';
comment on column core.municipality_years.year_end is 'The year''s last day (31 December), the reference date of stocks.';
