-- export.report_cooperation_timeline: the cooperation timeline of the council report's question 2
-- (indicators.cooperation_timeline) as it may be published. Money (agreements, grants, purchases,
-- procurements) with a named enterprise is shown as is: the municipality's own payments, grants and
-- agreements are public records (docs/disclosure.md, the partner-enterprise policy). Person-based
-- figures carry the CONF_STATUS that disclosure control decided for them together with every
-- published indicator (indicators.cooperation_status: primary C for 1-4 persons and for the outcomes
-- of 1-4 persons who left, secondary D so no hidden figure can be worked out from the totals over
-- the years or from the indicators); a person-based figure without a decision is hidden (fails
-- closed). Suppressed values are blank, with suppressed_reason in Swedish. Delivered text (the
-- enterprise's name, descriptions, titles, arrangers, ids) passes through export.public_text: text
-- holding a pseudonymised personal identity number is not shown.
-- Grain: as indicators.cooperation_timeline. Sources: indicators.cooperation_timeline,
-- indicators.cooperation_status, meta.parameters, export.public_text.
-- Action plan AP3 (cooperation, IOP); Agenda 2030 target 17.17 (proxy).
-- column comments from indicators.cooperation_timeline
create or replace view export.report_cooperation_timeline as
with params as (
    select max(case when name = 'min_person_count' then cast(value as integer) end) as min_persons
    from meta.parameters
),
decided as (
    select t.*,
           case when t.persons is null then 'F' else coalesce(s.conf_status, 'C') end as conf_status
    from indicators.cooperation_timeline as t
    left join indicators.cooperation_status as s
      on s.municipality_code = t.municipality_code and s.org_nr = t.org_nr and s.event_type = t.event_type
     and s.event_kind = t.event_kind and s.period = t.period and s.event_id is not distinct from t.event_id
),
final as (
    select
        d.municipality_code,
        d.org_nr,
        export.public_text(d.enterprise_name, 'enskild näringsidkare') as enterprise_name,
        d.cooperation_started,
        export.public_text(d.event_id, null) as event_id,
        d.event_date,
        d.year,
        d.period,
        d.event_type,
        d.event_kind,
        export.public_text(d.description, case when d.event_type = 'support_activity' then 'enskild näringsidkare'
                                               else 'texten innehåller personuppgifter och visas inte' end)
            as description,
        d.end_date,
        case when d.conf_status = 'F' then d.value end as value,
        d.unit,
        d.obs_status,
        d.conf_status,
        case
            -- one wording whichever rule hid an outcome, so the reason says nothing of the value
            when d.conf_status = 'C' and d.event_kind like 'ended_to_%'
                then 'färre än ' || p.min_persons || ' personer, eller av färre än ' || p.min_persons
                     || ' som avslutade'
            when d.conf_status = 'C' and d.unit = 'days'
                then 'bygger på färre än ' || p.min_persons || ' personer'
            when d.conf_status = 'C'
                then 'färre än ' || p.min_persons || ' personer'
            when d.conf_status = 'D'
                then 'uppgiften skulle kunna räknas fram ur andra redovisade uppgifter'
        end as suppressed_reason,
        d.event_order
    from decided as d
    cross join params as p
)
select * from final;
comment on view export.report_cooperation_timeline is 'Q2: timeline of the cooperation with each enterprise started in 2022 with a registered cooperation: events by date, yearly purchases and placements; person-based figures carry the CONF_STATUS of disclosure control, suppressed ones blank with the reason.';
comment on column export.report_cooperation_timeline.value is 'Amount (SEK, SEK/year), share (%), persons or participant days; blank when suppressed (see conf_status) or not delivered (obs_status L).';
comment on column export.report_cooperation_timeline.conf_status is 'SDMX CONF_STATUS: F shown; C primary suppression (1-4 persons, or the outcomes of 1-4 persons who left); D secondary suppression (it could be worked out from other published figures).';
comment on column export.report_cooperation_timeline.suppressed_reason is 'Why the value is not shown, in Swedish (e.g. färre än 5 personer); NULL when shown.';
