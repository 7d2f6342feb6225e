-- meta.disclosure_memo: the secondary-suppression pattern of each part of the disclosure model that
-- the last build decided (a part: cells linked by relations, e.g. one indicator's cells of one year
-- with their sex, breakdown and county relations). The next build keeps the pattern of every part
-- whose fingerprint is unchanged and decides only the others; the whole pattern is audited afresh
-- every build (flows/outputs/disclosure/memo.py, docs/disclosure.md). Replaced by every build; a
-- full rebuild starts without it.
-- Grain: part, cell_key. Written by flows/outputs/disclosure/control.py.
-- Action plan AP1 (statistics that can be shared); Agenda 2030: all targets (proxies).
create table if not exists meta.disclosure_memo (
    part varchar,
    cell_key varchar,
    conf_status varchar
);
comment on table meta.disclosure_memo is 'The last build''s suppression pattern per part of the disclosure model, reused by the next build where the part is unchanged.';
comment on column meta.disclosure_memo.part is 'Keyed fingerprint (HMAC-SHA256 with the run''s secret key) of everything the part''s pattern depends on: its cells, values, bounds, relations, primary cells, the protection rules and the deciding code.';
comment on column meta.disclosure_memo.cell_key is 'A suppressed cell of the part (indicator|municipality|period|sex|breakdown|value|unit, or a timeline or internal cell); cells not listed are published.';
comment on column meta.disclosure_memo.conf_status is 'C (primary) or D (secondary suppression).';
