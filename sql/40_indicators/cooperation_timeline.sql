-- indicators.cooperation_timeline: the cooperation the motion's question 2 asks about, unsuppressed
-- (internal; the report reads export.report_cooperation_timeline). For each enterprise of
-- core.cooperating_enterprises, every event by date (start, WISE assessment, start of cooperation,
-- agreements, grants, support activities, procurements it won, an end) and per year the
-- municipality's purchases from it, the people in work integration there (started, ended, where
-- they went next, participant days), with the placement figures also summed over all its years, and
-- the enterprise's own annual-report figures (turnover, revenue from the public sector and from the
-- municipality, employees and participants). No delivered free text: who arranged a support activity
-- is its closed-list arranger_type; agreement descriptions and procurement titles stay in core.
-- persons: the persons behind a person-based figure (participant days rest on those who started), for
-- disclosure control (flows/outputs/disclosure/published.py), which decides each figure's
-- CONF_STATUS in indicators.cooperation_status. A register the municipality has not delivered gives
-- a NULL value with obs_status L, never a false zero.
-- Grain: municipality_code, org_nr, event_type, event_kind, event_date/period, event_id.
-- Sources: core.cooperating_enterprises, core.agreements, core.grants, core.support_activities,
-- core.procurement_awards, core.procurements, core.purchase_totals, core.placements, core.annual_reports,
-- core.calendar_years, core.coverage.
-- Action plan AP3 (cooperation, IOP); Agenda 2030 target 17.17 (proxy).
create or replace view indicators.cooperation_timeline as
with cooperating as (
    select * from core.cooperating_enterprises
),
coverage as (
    -- a year counts as delivered when its deliveries were delivered and read; the ledger's also
    -- needs its suppliers identified (organisation numbers or a reviewed crosswalk)
    select municipality_code, case when dataset = 'supplier_matching' then 'supplier_invoices' else dataset end
               as dataset,
           year, bool_and(obs_status <> 'L') as delivered
    from core.coverage
    group by all
),
years as (
    select c.municipality_code, c.org_nr, y.year
    from cooperating as c
    join core.calendar_years as y on y.year >= year(c.valid_from)
),
milestones as (
    select municipality_code, org_nr, valid_from as event_date, 'enterprise_started' as event_type,
           cast(null as varchar) as event_kind, cast(null as varchar) as arranger_type, 1 as event_order
    from cooperating
    union all
    select municipality_code, org_nr, criteria_assessed_on, 'wise_assessed', null, null, 2
    from cooperating where is_wise and criteria_assessed_on is not null
    union all
    select municipality_code, org_nr, cooperation_started, 'cooperation_started', null, null, 3
    from cooperating
    union all
    select municipality_code, org_nr, valid_to, 'enterprise_ended', null, null, 9
    from cooperating where valid_to is not null
),
agreements as (
    select a.municipality_code, a.org_nr, a.agreement_id as event_id, a.start_date as event_date,
           a.end_date, a.agreement_type as event_kind, cast(a.annual_value_sek as double) as value
    from core.agreements as a
    join cooperating as c on c.municipality_code = a.municipality_code and c.org_nr = a.org_nr
),
grants as (
    select g.municipality_code, g.org_nr, g.grant_id as event_id, g.decision_date as event_date,
           g.grant_type as event_kind, cast(g.amount_sek as double) as value
    from core.grants as g
    join cooperating as c on c.municipality_code = g.municipality_code and c.org_nr = g.org_nr
),
activities as (
    select s.municipality_code, s.org_nr, s.activity_id as event_id, s.activity_date as event_date,
           s.activity_type as event_kind, s.arranger_type, cast(s.participants as double) as value
    from core.support_activities as s
    join cooperating as c on c.municipality_code = s.municipality_code and c.org_nr = s.org_nr
),
procurements as (
    select p.municipality_code, a.org_nr, p.procurement_id as event_id, p.published_date as event_date,
           p.legal_basis as event_kind, cast(p.estimated_value_sek as double) as value
    from core.procurement_awards as a
    join cooperating as c on c.municipality_code = a.municipality_code and c.org_nr = a.org_nr
    join core.procurements as p
      on p.municipality_code = a.municipality_code and p.procurement_id = a.procurement_id
),
ledger as (
    -- payments to the organisation number, whether or not it was in the register on the day
    select municipality_code, year, supplier_org_nr, cast(amount_sek as double) as amount
    from core.purchase_totals
),
ledger_totals as (
    select municipality_code, year, sum(amount) as all_purchases
    from ledger
    group by all
),
purchases as (
    select
        y.municipality_code,
        y.org_nr,
        y.year,
        coalesce(cov.delivered, false) as delivered,
        coalesce(sum(l.amount), 0) as amount,
        count(l.amount) as postings,
        max(t.all_purchases) as all_purchases
    from years as y
    left join ledger as l
      on l.municipality_code = y.municipality_code and l.year = y.year and l.supplier_org_nr = y.org_nr
    left join ledger_totals as t on t.municipality_code = y.municipality_code and t.year = y.year
    left join coverage as cov on cov.municipality_code = y.municipality_code and cov.year = y.year
     and cov.dataset = 'supplier_invoices'
    group by all
),
placement_years as (
    select
        y.municipality_code,
        y.org_nr,
        y.year,
        coalesce(cov.delivered, false) as delivered,
        coalesce(sum(p.persons_started), 0) as persons_started,
        coalesce(sum(p.persons_ended), 0) as persons_ended,
        coalesce(sum(p.ended_to_unsubsidised_work), 0) as ended_to_unsubsidised_work,
        coalesce(sum(p.ended_to_subsidised_work), 0) as ended_to_subsidised_work,
        coalesce(sum(p.ended_to_studies), 0) as ended_to_studies,
        coalesce(sum(p.participant_days), 0) as participant_days
    from years as y
    left join core.placements as p
      on p.municipality_code = y.municipality_code and p.year = y.year and p.org_nr = y.org_nr
    left join coverage as cov on cov.municipality_code = y.municipality_code and cov.year = y.year
     and cov.dataset = 'placements'
    group by all
),
placement_span as (
    select municipality_code, org_nr, min(year) as first_year, max(year) as last_year
    from placement_years
    group by all
),
placement_cells as (
    -- one row per year plus one over all years (year NULL), before unpivoting the measures
    select municipality_code, org_nr, year, delivered, persons_started as cell_persons, persons_started,
           persons_ended, ended_to_unsubsidised_work, ended_to_subsidised_work, ended_to_studies,
           participant_days
    from placement_years
    union all
    select municipality_code, org_nr, null, bool_and(delivered), sum(persons_started), sum(persons_started),
           sum(persons_ended),
           sum(ended_to_unsubsidised_work), sum(ended_to_subsidised_work), sum(ended_to_studies),
           sum(participant_days)
    from placement_years
    group by municipality_code, org_nr
),
placement_measures as (
    select
        municipality_code, org_nr, year, delivered, cell_persons,
        event_kind, cast(value as double) as value
    from placement_cells
    unpivot (value for event_kind in (persons_started, persons_ended, ended_to_unsubsidised_work,
                                      ended_to_subsidised_work, ended_to_studies, participant_days))
),
placements as (
    select p.municipality_code, p.org_nr, p.year, p.delivered, p.event_kind, p.value,
           -- the persons behind a figure: participant days rest on the persons who started
           case when p.event_kind = 'participant_days' then p.cell_persons else p.value end as persons
    from placement_measures as p
),
reports as (
    -- the enterprise's own figures in the years it reported; a year without its report has no row
    -- (the report says "uppgift saknas"), a year without the municipality's delivery is L
    select y.municipality_code, y.org_nr, y.year, coalesce(cov.delivered, false) as delivered,
           r.turnover_sek as turnover, r.revenue_public_sek as revenue_public,
           r.revenue_from_municipality_sek as revenue_from_municipality,
           case when r.employees_k is not null or r.employees_m is not null
                then coalesce(r.employees_k, 0) + coalesce(r.employees_m, 0) end as employees,
           case when r.participants_k is not null or r.participants_m is not null
                then coalesce(r.participants_k, 0) + coalesce(r.participants_m, 0) end as participants
    from years as y
    left join core.annual_reports as r
      on r.municipality_code = y.municipality_code and r.org_nr = y.org_nr and r.year = y.year
    left join coverage as cov on cov.municipality_code = y.municipality_code and cov.year = y.year
     and cov.dataset = 'annual_reports'
    where r.org_nr is not null or not coalesce(cov.delivered, false)
),
report_measures as (
    select municipality_code, org_nr, year, delivered, event_kind, cast(value as double) as value
    from reports
    unpivot include nulls (value for event_kind in (turnover, revenue_public, revenue_from_municipality,
                                                     employees, participants))
),
events as (
    select municipality_code, org_nr, cast(null as varchar) as event_id, event_date,
           year(event_date) as year, cast(year(event_date) as varchar) as period,
           event_type, event_kind, arranger_type, cast(null as date) as end_date,
           cast(null as double) as value, cast(null as varchar) as unit, 'A' as obs_status,
           cast(null as double) as persons, event_order
    from milestones
    union all
    select municipality_code, org_nr, event_id, event_date, year(event_date), cast(year(event_date) as varchar),
           'agreement', event_kind, null, end_date, value, 'SEK/year', 'A', null, 4
    from agreements
    union all
    select municipality_code, org_nr, event_id, event_date, year(event_date), cast(year(event_date) as varchar),
           'grant', event_kind, null, null, value, 'SEK', 'A', null, 5
    from grants
    union all
    select a.municipality_code, a.org_nr, a.event_id, a.event_date, year(a.event_date),
           cast(year(a.event_date) as varchar), 'support_activity', a.event_kind, a.arranger_type, null,
           a.value, 'persons', 'A', a.value, 6
    from activities as a
    union all
    select municipality_code, org_nr, event_id, event_date, year(event_date), cast(year(event_date) as varchar),
           'procurement_awarded', event_kind, null, null, value, 'SEK', 'A', null, 7
    from procurements
    union all
    select municipality_code, org_nr, null, null, year, cast(year as varchar),
           'purchases', 'amount', null, null, case when delivered then amount end, 'SEK',
           case when delivered then 'A' else 'L' end, null, 20
    from purchases
    union all
    select municipality_code, org_nr, null, null, year, cast(year as varchar),
           'purchases', 'share_of_all_purchases', null, null,
           case when delivered and all_purchases > 0 then 100.0 * amount / all_purchases end, '%',
           case when delivered then 'A' else 'L' end, null, 21
    from purchases
    union all
    select p.municipality_code, p.org_nr, null, null, p.year,
           case when p.year is not null then cast(p.year as varchar)
                else cast(s.first_year as varchar) || '-' || cast(s.last_year as varchar) end,
           'placements', p.event_kind, null, null, p.value,
           case when p.event_kind = 'participant_days' then 'days' else 'persons' end,
           case when p.delivered then 'A' else 'L' end, p.persons,
           case when p.year is null then 40 else 30 end
    from placements as p
    join placement_span as s using (municipality_code, org_nr)
    union all
    select municipality_code, org_nr, null, null, year, cast(year as varchar),
           'annual_report', event_kind, null, null, value,
           case when event_kind in ('employees', 'participants') then 'persons' else 'SEK' end,
           case when delivered then 'A' else 'L' end,
           case when event_kind in ('employees', 'participants') then value end, 50
    from report_measures
),
final as (
    select
        e.municipality_code,
        e.org_nr,
        c.name as enterprise_name,
        c.cooperation_started,
        e.event_id,
        e.event_date,
        e.year,
        e.period,
        e.event_type,
        e.event_kind,
        e.arranger_type,
        e.end_date,
        case when e.obs_status = 'A' then e.value end as value,
        e.unit,
        e.obs_status,
        case when e.obs_status = 'A' then e.persons end as persons,
        e.event_order
    from events as e
    join cooperating as c on c.municipality_code = e.municipality_code and c.org_nr = e.org_nr
)
select * from final;
comment on view indicators.cooperation_timeline is 'Q2: the timeline of each cooperating enterprise (events, yearly purchases and placements), unsuppressed; internal, see export.report_cooperation_timeline.';
comment on column indicators.cooperation_timeline.municipality_code is 'Kommunkod of the municipality that cooperates with the enterprise.';
comment on column indicators.cooperation_timeline.org_nr is 'Organisation number of the enterprise (public).';
comment on column indicators.cooperation_timeline.enterprise_name is 'Name of the enterprise (the export shows enskild näringsidkare when the name holds a pseudonymised personal identity number).';
comment on column indicators.cooperation_timeline.cooperation_started is 'Date the municipality''s cooperation with the enterprise started (from its register).';
comment on column indicators.cooperation_timeline.event_id is 'The register''s id of the agreement, grant, activity or procurement; NULL for milestones and yearly figures (and in the export when the id holds a pseudonymised personal identity number).';
comment on column indicators.cooperation_timeline.event_date is 'Date of the event; NULL for yearly figures and multi-year totals.';
comment on column indicators.cooperation_timeline.year is 'Calendar year of the event or figure; NULL for a total over all years.';
comment on column indicators.cooperation_timeline.period is 'The year, or YYYY-YYYY for a placement total over the enterprise''s years.';
comment on column indicators.cooperation_timeline.event_type is 'enterprise_started, wise_assessed, cooperation_started, enterprise_ended, agreement, grant, support_activity, procurement_awarded, purchases, placements or annual_report.';
comment on column indicators.cooperation_timeline.event_kind is 'Agreement type, grant type, activity type, reservation of a won procurement (none, 4_18, 19_6a), purchases measure (amount, share_of_all_purchases), placement measure (persons_started, persons_ended, ended_to_unsubsidised_work, ended_to_subsidised_work, ended_to_studies, participant_days) or annual-report figure (turnover, revenue_public, revenue_from_municipality, employees, participants).';
comment on column indicators.cooperation_timeline.arranger_type is 'Who arranged a support activity: municipality, region, coompanion or other (a closed list; the delivered name stays in core.support_activities).';
comment on column indicators.cooperation_timeline.end_date is 'End date of an agreement (NULL: open-ended).';
comment on column indicators.cooperation_timeline.value is 'Amount (SEK, SEK/year), share (%), persons or participant days; NULL when not delivered (obs_status L) or not reported; unsuppressed.';
comment on column indicators.cooperation_timeline.unit is 'SEK, SEK/year (agreement value per year), % (share of all the municipality''s purchases), persons or days.';
comment on column indicators.cooperation_timeline.obs_status is 'A normal; L the municipality has not delivered the register the figure comes from.';
comment on column indicators.cooperation_timeline.persons is 'The persons behind a person-based figure (placements, support-activity participants, the enterprise''s employees and participants; participant days: those who started), for disclosure control; NULL for money and milestones.';
comment on column indicators.cooperation_timeline.event_order is 'Order of events on the same date (start, assessment, cooperation, agreements, grants, activities, procurements ...).';
