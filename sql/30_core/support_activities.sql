-- core.support_activities: the current advice, training and networking activities for social
-- enterprises, with the year, whether the activity was open (no org nr) and whether the enterprise
-- taking part is in the register. Grain: municipality_code, activity_id.
-- Sources: staging.support_activities, core.enterprises.
-- Serves SE10 (action plan AP2b, AP3; Agenda 2030 targets 8.3 and 17.17, proxies).
create or replace view core.support_activities as
with activities as (
    select * from staging.support_activities
),
final as (
    select
        a.municipality_code,
        a.activity_id,
        cast(year(a.date) as integer) as year,
        a.date as activity_date,
        a.type as activity_type,
        a.arranger,
        -- who arranged it, as a closed list (the free text stays internal): the municipality itself
        -- (its units, "kommun"), the region, Coompanion, or another party
        case
            when lower(a.arranger) like '%coompanion%' then 'coompanion'
            when lower(a.arranger) like '%region%' then 'region'
            when lower(a.arranger) similar to '.*(kommun|näringsliv|arbetsmarknadsenhet|förvaltning|socialtjänst).*'
                then 'municipality'
            else 'other'
        end as arranger_type,
        a.org_nr,
        a.org_nr is null as is_open_event,
        e.org_nr is not null as in_register,
        a.participants,
        a._file_id,
        a._row_number
    from activities as a
    left join core.enterprises as e on e.municipality_code = a.municipality_code and e.org_nr = a.org_nr
)
select * from final;
comment on view core.support_activities is 'Current support activities (advice, training, marketing, networking ...) for social enterprises.';
comment on column core.support_activities.municipality_code is 'Kommunkod of the municipality that reports the activity.';
comment on column core.support_activities.activity_id is 'The municipality''s id of the activity.';
comment on column core.support_activities.year is 'Year of the activity.';
comment on column core.support_activities.activity_date is 'Date of the activity.';
comment on column core.support_activities.activity_type is 'advice, skills_training, procurement_training, marketing, networking, business_development or financing_advice.';
comment on column core.support_activities.arranger_type is 'Who arranged the activity: municipality, region, coompanion or other (from the arranger text; the text itself is internal and never a published value).';
comment on column core.support_activities.arranger is 'Who arranged it (näringslivsenhet, Coompanion, Region ...), as delivered.';
comment on column core.support_activities.org_nr is 'Enterprise the activity was for; NULL for open events.';
comment on column core.support_activities.is_open_event is 'True for open events (no single enterprise).';
comment on column core.support_activities.in_register is 'True when the enterprise is in the municipality''s register of social enterprises.';
comment on column core.support_activities.participants is 'Number of participants (people).';
comment on column core.support_activities._file_id is 'Delivered file (meta.files.file_id).';
comment on column core.support_activities._row_number is 'Row number in that file.';
