-- core.placements: the current work-integration placements (aggregated at source, never
-- person-level), with whether the referrer is the municipality itself (its labour-market unit or
-- social services) and the exits to work or studies summed. Grain: municipality_code, year, org_nr,
-- referrer, placement_type, sex, age_band. Sources: staging.placements, core.enterprises.
-- Serves SE14, SE15 (action plan AP2a, AP2c; Agenda 2030 targets 8.5, 8.6, 10.2, proxies).
create or replace view core.placements as
with placements as (
    select * from staging.placements
),
final as (
    select
        p.municipality_code,
        cast(p.year as integer) as year,
        p.org_nr,
        e.org_nr is not null as in_register,
        p.referrer,
        -- the municipality's own referrers: arbetsmarknadsenhet(en), socialtjänst(en), "kommun..."
        (lower(p.referrer) like 'arbetsmarknadsenhet%'
         or lower(p.referrer) like 'socialtj%'
         or lower(p.referrer) like '%kommun%') as is_municipal_referral,
        -- the referrer as a closed list (the delivered text stays internal, never a published value)
        case
            when lower(p.referrer) like 'arbetsmarknadsenhet%' then 'labour_market_unit'
            when lower(p.referrer) like 'socialtj%' then 'social_services'
            when lower(p.referrer) like '%kommun%' then 'municipality_other'
            when lower(p.referrer) like 'arbetsförmedling%' then 'employment_service'
            when lower(p.referrer) like 'försäkringskass%' then 'social_insurance'
            when lower(p.referrer) like 'samordningsförbund%' then 'coordination_association'
            else 'other'
        end as referrer_type,
        p.placement_type,
        p.sex,
        p.age_band,
        p.persons_started,
        p.persons_ended,
        p.ended_to_unsubsidised_work,
        p.ended_to_subsidised_work,
        p.ended_to_studies,
        p.ended_to_unsubsidised_work + p.ended_to_subsidised_work + p.ended_to_studies as ended_to_work_or_studies,
        p.participant_days,
        p._file_id,
        p._row_number
    from placements as p
    left join core.enterprises as e on e.municipality_code = p.municipality_code and e.org_nr = p.org_nr
)
select * from final;
comment on view core.placements is 'Current work-integration placements (aggregated counts by year, enterprise, referrer, type, sex and age band).';
comment on column core.placements.municipality_code is 'Kommunkod of the reporting municipality.';
comment on column core.placements.year is 'Calendar year.';
comment on column core.placements.org_nr is 'Social enterprise hosting the placements (internal use only).';
comment on column core.placements.in_register is 'True when the enterprise is in the municipality''s register of social enterprises.';
comment on column core.placements.referrer_type is 'The referrer as a closed list: labour_market_unit, social_services, municipality_other (the municipality''s own), employment_service, social_insurance, coordination_association, other.';
comment on column core.placements.referrer is 'Who referred the persons, as delivered (arbetsmarknadsenhet, socialtjänst, arbetsförmedlingen ...).';
comment on column core.placements.is_municipal_referral is 'True when the referrer is the municipality itself (arbetsmarknadsenhet, socialtjänst or a name containing kommun).';
comment on column core.placements.placement_type is 'work_training, internship, subsidised_job or unsubsidised_job.';
comment on column core.placements.sex is 'K women, M men.';
comment on column core.placements.age_band is '16-24, 25-64 or 65+.';
comment on column core.placements.persons_started is 'Persons who started a placement in the year.';
comment on column core.placements.persons_ended is 'Persons whose placement ended in the year.';
comment on column core.placements.ended_to_unsubsidised_work is 'Of those ended, persons who went on to unsubsidised work.';
comment on column core.placements.ended_to_subsidised_work is 'Of those ended, persons who went on to subsidised work.';
comment on column core.placements.ended_to_studies is 'Of those ended, persons who went on to studies.';
comment on column core.placements.ended_to_work_or_studies is 'Sum of the three exits to work (unsubsidised or subsidised) or studies.';
comment on column core.placements.participant_days is 'Participant-days in the year.';
comment on column core.placements._file_id is 'Delivered file (meta.files.file_id).';
comment on column core.placements._row_number is 'Row number in that file.';
