-- export.report_areas: the areas the reports are written for -- every configured municipality and
-- the region -- with the council motion a municipality's report answers, where one is configured
-- ([municipalities.motion] in the configuration). A municipality without a motion gets a general
-- redovisning. Settings, not data: nothing here needs disclosure control.
-- Grain: municipality_code. Sources: meta.municipalities.
create or replace view export.report_areas as
with final as (
    select
        code as municipality_code,
        name,
        is_region,
        motion_title,
        motion_submitted_by,
        motion_question_work,
        motion_question_cooperation
    from meta.municipalities
)
select * from final;
comment on view export.report_areas is 'The municipalities and the region the reports are written for, with the council motion a municipality''s report answers (NULL: a general report).';
comment on column export.report_areas.municipality_code is 'Kommunkod, or the region''s code.';
comment on column export.report_areas.name is 'Name of the municipality or region.';
comment on column export.report_areas.is_region is 'True for the region (its report is the county report).';
comment on column export.report_areas.motion_title is 'Title of the motion the report answers; NULL: a general report.';
comment on column export.report_areas.motion_submitted_by is 'Who submitted the motion.';
comment on column export.report_areas.motion_question_work is 'The motion''s question on the municipality''s work (section 2).';
comment on column export.report_areas.motion_question_cooperation is 'The motion''s question on the cooperation (section 3).';
