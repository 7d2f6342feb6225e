-- indicators.municipal_cells: every own-data indicator's municipal cells (SE01-SE15) in one table, as
-- the indicator views emit them: before coverage, before county rows. The views share this column
-- contract (and its comments); indicators.all_values turns the cells into values: coverage applied
-- (a cell whose deliveries are missing is L, never 0), value computed from numerator, denominator
-- and scale, county rows rolled up by each cell's rollup rule. Adding an own-data indicator = adding
-- its view here (a test checks every indicators.se* view of an own-data indicator is listed).
-- Numerators, denominators and persons are stored as decimals so that every sum over them (a county
-- row, an enterprise's parts) is exact and the same on every run, whatever order the rows come in.
-- Materialised (filled view by view): a 15-way union of the views makes DuckDB's optimizer take
-- seconds to plan. Grain: indicator_id, municipality_code, period, sex, breakdown, breakdown_value, unit.
-- Sources: the views indicators.se01_... to indicators.se15_....
-- Action plan: all areas (AP1 statistics); Agenda 2030: see meta.indicator_catalogue.
create or replace table indicators.municipal_cells (
    indicator_id varchar,
    municipality_code varchar,
    year integer,
    period varchar,
    sex varchar,
    breakdown varchar,
    breakdown_value varchar,
    unit varchar,
    measure varchar,
    numerator decimal(38, 6),
    denominator decimal(38, 6),
    persons decimal(38, 6),
    scale double,
    numerator_rollup varchar,
    denominator_rollup varchar,
    contributors struct(org_nr varchar, numerator decimal(38, 6), denominator decimal(38, 6), persons decimal(38, 6))[],
    provisional boolean,
    source varchar
);
insert into indicators.municipal_cells by name select * from indicators.se01_active_social_enterprises;
insert into indicators.municipal_cells by name select * from indicators.se02_new_social_enterprises;
insert into indicators.municipal_cells by name select * from indicators.se03_survival_3_years;
insert into indicators.municipal_cells by name select * from indicators.se04_purchases_from_social_enterprises;
insert into indicators.municipal_cells by name select * from indicators.se05_social_enterprises_as_suppliers;
insert into indicators.municipal_cells by name select * from indicators.se06_reserved_procurements;
insert into indicators.municipal_cells by name select * from indicators.se07_procurements_with_social_requirements;
insert into indicators.municipal_cells by name select * from indicators.se08_partnership_agreements;
insert into indicators.municipal_cells by name select * from indicators.se09_financial_support;
insert into indicators.municipal_cells by name select * from indicators.se10_support_activities;
insert into indicators.municipal_cells by name select * from indicators.se11_public_revenue_share;
insert into indicators.municipal_cells by name select * from indicators.se12_persons_in_work_integration;
insert into indicators.municipal_cells by name select * from indicators.se13_employees;
insert into indicators.municipal_cells by name select * from indicators.se14_municipality_referred_participants;
insert into indicators.municipal_cells by name select * from indicators.se15_transitions_to_work_or_studies;
-- the views gather contributors in whatever order the rows arrive: one order, so every run stores the same
update indicators.municipal_cells set contributors = list_sort(contributors) where len(contributors) > 1;
comment on table indicators.municipal_cells is 'Every own-data indicator''s municipal cells before coverage and county rollup (internal; see indicators.all_values).';
comment on column indicators.municipal_cells.indicator_id is 'Indicator id (SE01-SE15), see meta.indicator_catalogue.';
comment on column indicators.municipal_cells.municipality_code is 'Kommunkod.';
comment on column indicators.municipal_cells.year is 'Reporting year whose deliveries the cell needs (core.indicator_coverage); NULL for a cell over every reporting year (pooled cohorts).';
comment on column indicators.municipal_cells.period is 'Calendar year, or a span of years (YYYY-YYYY) for multi-year cohorts.';
comment on column indicators.municipal_cells.sex is 'T total, K women, M men.';
comment on column indicators.municipal_cells.breakdown is 'Name of the disaggregation (total when none).';
comment on column indicators.municipal_cells.breakdown_value is 'Value of the disaggregation (_T for the total); always from a closed list, never delivered free text.';
comment on column indicators.municipal_cells.unit is 'Unit of the value (count, SEK, %, persons, per 10 000 inhabitants ...).';
comment on column indicators.municipal_cells.measure is 'Kind of measure for disclosure control: count_persons, rate_persons, money, count_enterprises, rate.';
comment on column indicators.municipal_cells.numerator is 'The count or sum (the value itself when scale is NULL).';
comment on column indicators.municipal_cells.denominator is 'What a rate divides by; NULL for counts and sums.';
comment on column indicators.municipal_cells.persons is 'Persons behind a person-based cell that is not itself a person count (FTE, days); for the 1-4 rule.';
comment on column indicators.municipal_cells.scale is 'value = scale * numerator / denominator (100 for %, 10 000 per 10 000 inhabitants); NULL: value = numerator.';
comment on column indicators.municipal_cells.numerator_rollup is 'How the county numerator is made: sum (of the municipalities), distinct (organisations counted once), org_once (each organisation''s amount once).';
comment on column indicators.municipal_cells.denominator_rollup is 'How the county denominator is made (as numerator_rollup); NULL without a denominator.';
comment on column indicators.municipal_cells.contributors is 'Each enterprise''s part of the cell (org_nr, numerator, denominator, persons): for distinct county counts, the number of enterprises behind money and the largest one''s share. Internal: never exported.';
comment on column indicators.municipal_cells.provisional is 'A source behind the cell is provisional (fallback or stale snapshot): the value is P.';
comment on column indicators.municipal_cells.source is 'Where the figure comes from.';
