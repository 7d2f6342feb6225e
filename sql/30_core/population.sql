-- core.population: inhabitants on 31 December per municipality and year (SCB), summed over age and
-- sex, with women and men separately. The region's row is the sum over the configured
-- municipalities (not SCB's county figure), so county rates use the same population as the
-- municipal ones. From 2025 SCB adds cell-key noise (cell_key_noise), so sums of parts may differ
-- slightly from published totals. Grain: municipality_code, year. Sources: raw.scb_population, meta.municipalities.
-- Serves the per-10 000-inhabitant rate of SE01 (action plan AP1, AP2a; Agenda 2030 target 8.3, proxy).
create or replace view core.population as
with areas as (
    select code, scb_code, is_region from meta.municipalities
),
cells as (
    -- one value per region, sex, age and year: the newest fetch wins if a year was read twice
    select region_code, sex, age, year, value, cell_key_noise
    from raw.scb_population
    qualify row_number() over (
        partition by region_code, sex, age, year order by _retrieved_at desc nulls last, table_id) = 1
),
municipal as (
    select
        a.code as municipality_code,
        cast(c.year as integer) as year,
        cast(sum(c.value) as double) as population,
        cast(sum(c.value) filter (where c.sex = 'K') as double) as population_k,
        cast(sum(c.value) filter (where c.sex = 'M') as double) as population_m,
        coalesce(bool_or(c.cell_key_noise), false) as cell_key_noise,
        1 as municipalities
    from cells as c
    join areas as a on a.scb_code = c.region_code and not a.is_region
    group by all
),
county as (
    select
        (select code from areas where is_region) as municipality_code,
        year,
        sum(population) as population,
        sum(population_k) as population_k,
        sum(population_m) as population_m,
        bool_or(cell_key_noise) as cell_key_noise,
        cast(sum(municipalities) as integer) as municipalities
    from municipal
    group by year
),
final as (
    select * from municipal
    union all by name
    select * from county
)
select * from final;
comment on view core.population is 'Inhabitants on 31 December per municipality and year from SCB (summed over age and sex); the region''s row sums the municipalities.';
comment on column core.population.municipality_code is 'Kommunkod, or the region''s code for the county row.';
comment on column core.population.year is 'Year (population on 31 December).';
comment on column core.population.population is 'Inhabitants, all ages, both sexes.';
comment on column core.population.population_k is 'Women, all ages.';
comment on column core.population.population_m is 'Men, all ages.';
comment on column core.population.cell_key_noise is 'True when SCB''s cell-key method added noise (from 2025).';
comment on column core.population.municipalities is 'Municipalities summed (1 for a municipality; for the county, how many had figures).';
