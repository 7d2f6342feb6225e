-- core.cooperating_enterprises: the enterprises whose cooperation with the municipality the council
-- report's question 2 follows by name: started in 2022 ("det sociala företag som startade 2022") and
-- with a registered start of cooperation. The report prints their agreements, grants and purchases
-- as public records (docs/disclosure.md), so disclosure control treats their part of every
-- indicator as known to anyone.
-- Grain: municipality_code, org_nr. Sources: core.enterprises.
-- Action plan AP3 (cooperation, IOP); Agenda 2030 target 17.17 (proxy).
create or replace view core.cooperating_enterprises as
select municipality_code, org_nr, name, is_wise, criteria_assessed_on, valid_from, valid_to, cooperation_started
from core.enterprises
where year(valid_from) = 2022 and cooperation_started is not null;
comment on view core.cooperating_enterprises is 'Enterprises started in 2022 with a registered cooperation: the ones the council report follows by name.';
comment on column core.cooperating_enterprises.municipality_code is 'Kommunkod of the cooperating municipality.';
comment on column core.cooperating_enterprises.org_nr is 'Organisation number (public).';
comment on column core.cooperating_enterprises.name is 'Name of the enterprise.';
comment on column core.cooperating_enterprises.is_wise is 'Whether it is a work-integrating social enterprise.';
comment on column core.cooperating_enterprises.criteria_assessed_on is 'When the WISE criteria were assessed.';
comment on column core.cooperating_enterprises.valid_from is 'Start date of the enterprise.';
comment on column core.cooperating_enterprises.valid_to is 'End date, if it has ended.';
comment on column core.cooperating_enterprises.cooperation_started is 'Date the municipality''s cooperation with it started.';
