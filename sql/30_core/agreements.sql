-- core.agreements: the current agreements between municipalities and social enterprises or
-- idéburna organisations, with whether the counterpart is in the municipality's register. IOP and
-- grant agreements are partnerships, not procurement (domain.md §2.5): never add them to purchases.
-- Each agreement carries its goals and follow-up: the goal in work-integration places per year, the
-- ledger account its payments are booked on, the next and latest follow-up with both parties'
-- assessments, and what is decided about renewal; the free texts (goals, assessment_text) stay here.
-- Grain: agreement_id (within a municipality). Sources: staging.agreements, core.enterprises.
-- Serves SE08 (action plan AP2c, AP3; Agenda 2030 target 17.17, proxy).
create or replace view core.agreements as
with agreements as (
    select * from staging.agreements
),
final as (
    select
        a.municipality_code,
        a.agreement_id,
        a.org_nr,
        e.name as enterprise_name,
        e.org_nr is not null as in_register,
        e.is_wise,
        a.type as agreement_type,
        a.start_date,
        a.end_date,
        a.annual_value_sek,
        a.description,
        a.goal_places_per_year,
        a.goals,
        nullif(trim(a.ledger_account), '') as ledger_account,
        a.follow_up_due,
        a.followed_up_on,
        a.assessment_municipality,
        a.assessment_counterpart,
        a.assessment_text,
        a.renewal,
        a._file_id,
        a._row_number
    from agreements as a
    left join core.enterprises as e on e.municipality_code = a.municipality_code and e.org_nr = a.org_nr
)
select * from final;
comment on view core.agreements is 'Current agreements with social enterprises or idéburna organisations (IOP, contracts, reserved contracts, grant agreements ...).';
comment on column core.agreements.municipality_code is 'Kommunkod of the municipality that is party to the agreement.';
comment on column core.agreements.agreement_id is 'The municipality''s id of the agreement.';
comment on column core.agreements.org_nr is 'Organisation number of the counterpart.';
comment on column core.agreements.enterprise_name is 'Name in the municipality''s register of social enterprises; NULL when not listed there.';
comment on column core.agreements.in_register is 'True when the counterpart is in the municipality''s register of social enterprises.';
comment on column core.agreements.is_wise is 'The counterpart meets the WISE criteria; NULL when not in the register.';
comment on column core.agreements.agreement_type is 'iop, lou_contract, reserved_4_18, reserved_19_6a, direct_award, work_training_places, grant_agreement or other.';
comment on column core.agreements.start_date is 'First day of the agreement.';
comment on column core.agreements.end_date is 'Last day of the agreement; NULL while open-ended.';
comment on column core.agreements.annual_value_sek is 'Annual value committed by the municipality, SEK.';
comment on column core.agreements.description is 'Free-text description.';
comment on column core.agreements.goal_places_per_year is 'Goal: persons in work integration at the counterpart per year.';
comment on column core.agreements.goals is 'The agreement''s goals in words, as delivered (internal: never published).';
comment on column core.agreements.ledger_account is 'Ledger account (konto_nr) the payments under the agreement are booked on.';
comment on column core.agreements.follow_up_due is 'Date the next follow-up is due.';
comment on column core.agreements.followed_up_on is 'Date of the latest follow-up; NULL: not followed up yet.';
comment on column core.agreements.assessment_municipality is 'The municipality''s assessment at the latest follow-up: on_track, partly or not_met.';
comment on column core.agreements.assessment_counterpart is 'The counterpart''s own assessment at the latest follow-up: on_track, partly or not_met.';
comment on column core.agreements.assessment_text is 'The follow-up''s assessment in words, as delivered (internal: never published).';
comment on column core.agreements.renewal is 'What is decided after the end date: extend, replace, end, under_review; NULL: nothing decided.';
comment on column core.agreements._file_id is 'Delivered file (meta.files.file_id).';
comment on column core.agreements._row_number is 'Row number in that file.';
