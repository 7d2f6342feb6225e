-- export.report_candidates: how many organisations the review list holds (core.enterprise_candidates:
-- social-economy organisations in the county with an SNI 88 code, still registered, in no
-- municipality's register): candidates for a municipality to assess, not social enterprises. One
-- row per configured municipality with the candidates whose post town places them there (an
-- APPROXIMATE placing, see core.enterprise_candidates) and one row for the region with all of the
-- county's candidates, placed or not. candidates is NULL, not zero, while neither the Bolagsverket
-- nor the SCB bulk file has been loaded. Counts only: names stay in the warehouse.
-- Grain: municipality_code. Sources: core.enterprise_candidates, meta.municipalities,
-- raw.bolagsverket_register and raw.scb_register (only whether they hold rows).
create or replace view export.report_candidates as
with loaded as (
    select
        (select count(*) from raw.bolagsverket_register) + (select count(*) from raw.scb_register) > 0
            as bulk_files_loaded
),
candidates as (
    select org_nr, municipality_code from core.enterprise_candidates
),
areas as (
    select code as municipality_code, is_region from meta.municipalities
),
counted as (
    select
        a.municipality_code,
        a.is_region,
        case
            when a.is_region then (select count(*) from candidates)
            else (select count(*) from candidates as c where c.municipality_code = a.municipality_code)
        end as candidates,
        case when a.is_region then (select count(*) from candidates where municipality_code is null) end
            as unplaced
    from areas as a
),
final as (
    select
        c.municipality_code,
        c.is_region,
        l.bulk_files_loaded,
        case when l.bulk_files_loaded then c.candidates end as candidates,
        case when l.bulk_files_loaded then c.unplaced end as unplaced
    from counted as c
    cross join loaded as l
)
select * from final;
comment on view export.report_candidates is 'Number of organisations on the review list (core.enterprise_candidates) per municipality (approximate, by post town) and for the county: counts only.';
comment on column export.report_candidates.municipality_code is 'Kommunkod, or the region''s code for the whole county.';
comment on column export.report_candidates.is_region is 'True for the county row, which counts every candidate, placed in a municipality or not.';
comment on column export.report_candidates.bulk_files_loaded is 'True when the Bolagsverket or SCB bulk file has been loaded; otherwise the counts are unknown (NULL).';
comment on column export.report_candidates.candidates is 'Organisations on the review list: for a municipality those its post town places there (approximate), for the county all.';
comment on column export.report_candidates.unplaced is 'County row only: candidates whose post town does not identify a municipality.';
