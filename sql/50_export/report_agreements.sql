-- export.report_agreements: the municipality's agreements with social enterprises and idéburna
-- organisations as the reports print them: type, dates, goal, follow-up and both parties'
-- assessments (closed lists), and the renewal decision -- what the "Att besluta" list and question
-- 2 need. The counterpart is named, with the agreement's value and ledger account, only for the
-- enterprises the report follows by name (core.cooperating_enterprises); of the others the report
-- shows the agreement's id, type and dates, which are the municipality's own records. The free texts
-- (description, goals, assessment_text) are left out; the delivered text that is shown (ids, the
-- name, the account) passes through export.public_text.
-- Grain: municipality_code, agreement_id. Sources: core.agreements, core.cooperating_enterprises,
-- export.public_text.
-- Action plan AP2c, AP3; Agenda 2030 target 17.17 (proxy).
create or replace view export.report_agreements as
with named as (
    select municipality_code, org_nr, name from core.cooperating_enterprises
),
final as (
    select
        a.municipality_code,
        export.public_text(a.agreement_id, null) as agreement_id,
        a.agreement_type,
        n.org_nr is not null as is_named,
        n.org_nr,
        export.public_text(n.name, 'enskild näringsidkare') as enterprise_name,
        a.start_date,
        a.end_date,
        case when n.org_nr is not null then a.annual_value_sek end as annual_value_sek,
        case when n.org_nr is not null then export.public_text(a.ledger_account, null) end as ledger_account,
        a.goal_places_per_year,
        a.follow_up_due,
        a.followed_up_on,
        a.assessment_municipality,
        a.assessment_counterpart,
        a.renewal
    from core.agreements as a
    left join named as n on n.municipality_code = a.municipality_code and n.org_nr = a.org_nr
)
select * from final;
comment on view export.report_agreements is 'The municipalities'' agreements with their goals, follow-up and renewal (closed lists and dates; the counterpart, value and account only for the enterprises the report names), for the reports.';
comment on column export.report_agreements.municipality_code is 'Kommunkod of the municipality that is party to the agreement.';
comment on column export.report_agreements.agreement_id is 'The municipality''s id of the agreement.';
comment on column export.report_agreements.agreement_type is 'iop, lou_contract, reserved_4_18, reserved_19_6a, direct_award, work_training_places, grant_agreement or other.';
comment on column export.report_agreements.is_named is 'True when the counterpart is an enterprise the report follows by name.';
comment on column export.report_agreements.org_nr is 'Organisation number of a named counterpart; NULL for the others.';
comment on column export.report_agreements.enterprise_name is 'Name of a named counterpart; NULL for the others.';
comment on column export.report_agreements.start_date is 'First day of the agreement.';
comment on column export.report_agreements.end_date is 'Last day (the planned end); NULL while open-ended.';
comment on column export.report_agreements.annual_value_sek is 'Annual value committed, SEK (named counterparts only).';
comment on column export.report_agreements.ledger_account is 'Ledger account of the payments (named counterparts only).';
comment on column export.report_agreements.goal_places_per_year is 'Goal: persons in work integration per year.';
comment on column export.report_agreements.follow_up_due is 'Next follow-up due.';
comment on column export.report_agreements.followed_up_on is 'Latest follow-up; NULL: not followed up.';
comment on column export.report_agreements.assessment_municipality is 'The municipality''s assessment: on_track, partly, not_met.';
comment on column export.report_agreements.assessment_counterpart is 'The counterpart''s assessment: on_track, partly, not_met.';
comment on column export.report_agreements.renewal is 'Renewal decision: extend, replace, end, under_review; NULL: nothing decided.';
